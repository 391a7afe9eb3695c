import { describe, expect, it, vi } from 'vitest';
import { AttributeAdvisor, checkAttributeAdvice, type AttributeSource } from './attribute-advice.ts';

/** An element's attributes, as the advice reads them. */
function element(attributes: Record<string, string>): AttributeSource {
  const list = Object.entries(attributes).map(([name, value]) => ({ name, value }));
  return { attributes: list, getAttribute: (name: string) => attributes[name] ?? null, hasAttribute: (name: string) => name in attributes };
}

describe('checkAttributeAdvice', () => {
  it('says nothing of markup that does what it says', () => {
    expect(checkAttributeAdvice(element({ 'client-token': 'x', mode: 'interview', 'positioning-timeout': '30', 'api-base': 'https://liveproof.example.com', autostart: '', 'no-flash': '', id: 'check', class: 'c', lang: 'es', 'data-x': '1', 'aria-label': 'check' }))).toEqual([]);
  });

  it('names an unknown value, the values it takes, and what it does instead', () => {
    expect(checkAttributeAdvice(element({ 'client-token': 'x', mode: 'interviw' }))).toEqual([
      '<liveproof-check>: `mode="interviw"` is not a value it knows ("check" or "interview"); it runs as `mode="check"`.',
    ]);
  });

  it('says why autostart did not start, and how to make it', () => {
    const [advice] = checkAttributeAdvice(element({ 'client-token': 'x', autostart: '' }));
    expect(advice).toMatch(/`autostart` is ignored: .* Add `flash-consent` .* or `no-flash`/);
    expect(checkAttributeAdvice(element({ 'client-token': 'x', autostart: '', 'flash-consent': '' }))).toEqual([]);
  });

  it('guesses what a misspelled attribute meant', () => {
    expect(checkAttributeAdvice(element({ client_token: 'x', token: 'y', nolight: '', frobnicate: '' }))).toEqual([
      '<liveproof-check>: it has no `client_token` attribute, so it is ignored. Did you mean `client-token`?',
      '<liveproof-check>: it has no `token` attribute, so it is ignored. Did you mean `client-token`?',
      '<liveproof-check>: it has no `nolight` attribute, so it is ignored. Did you mean `no-flash`?',
      expect.stringMatching(/no `frobnicate` attribute, so it is ignored\. Its attributes: client-token, api-base/),
    ]);
  });

  it('refuses a timeout that is not a number of seconds in range, and a base that is not a URL', () => {
    for (const timeout of ['soon', '0', '4', '601', '-3']) {
      expect(checkAttributeAdvice(element({ 'positioning-timeout': timeout }))).toEqual([`<liveproof-check>: \`positioning-timeout="${timeout}"\` is not a number of seconds from 5 to 600; it waits 60 s.`]);
    }
    expect(checkAttributeAdvice(element({ 'api-base': 'http://[::1' }))).toEqual(['<liveproof-check>: `api-base="http://[::1"` is not a URL; the check will not reach the server.']);
  });
});

describe('AttributeAdvisor', () => {
  it('says each piece of advice once, however often it looks', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const advisor = new AttributeAdvisor(checkAttributeAdvice);
    const markup = element({ mode: 'x' });
    advisor.review(markup);
    advisor.review(markup);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
