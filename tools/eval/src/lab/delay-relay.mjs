// A TCP relay that holds every chunk for a fixed time in each direction: the network lab's stand-in
// for a distant proxy leg, because this machine's kernel has no netem queueing discipline.
// Usage: node delay-relay.mjs LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS
import { createServer, connect } from 'node:net';

const [listenHost, listenPort, targetHost, targetPort, delayText] = process.argv.slice(2);
const delayMs = Number(delayText);

function pipeDelayed(from, to) {
  // Equal delays keep the chunks in order: timers of one duration fire in the order they were set.
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

const server = createServer((client) => {
  const upstream = connect(Number(targetPort), targetHost);
  pipeDelayed(client, upstream);
  pipeDelayed(upstream, client);
});
server.listen(Number(listenPort), listenHost, () => console.log(`delay-relay ready ${listenHost}:${listenPort} -> ${targetHost}:${targetPort} +${delayMs} ms each way`));
