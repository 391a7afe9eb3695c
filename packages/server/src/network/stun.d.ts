// The parts of @msimerson/stun (MIT, no types of its own) that the ICE responder uses.
declare module '@msimerson/stun' {
  interface StunAttribute {
    readonly type: number;
    readonly value: unknown;
  }
  interface StunMessage {
    readonly type: number;
    readonly transactionId: Buffer;
    getAttribute(type: number): StunAttribute | undefined;
    getUsername(): string | undefined;
  }
  interface StunRequest extends StunMessage {
    addXorAddress(address: string, port: number): unknown;
    addMessageIntegrity(key: string): unknown;
    addFingerprint(): unknown;
    toBuffer(): Buffer;
  }
  const stun: {
    decode(message: Buffer): StunMessage;
    createMessage(type: number, transaction?: Buffer): StunRequest;
    constants: { STUN_BINDING_REQUEST: number; STUN_BINDING_RESPONSE: number; STUN_ATTR_MESSAGE_INTEGRITY: number; STUN_ATTR_USERNAME: number };
  };
  export default stun;
}
