/**
 * The `liveproof` command: the runnable server and its administration.
 *
 *   liveproof dev            the README's start: development and demo integrations, an admin key
 *   liveproof serve          a deployment (LIVEPROOF_PUBLIC_URL and LIVEPROOF_KEK required)
 *   liveproof admin …        integrations, API keys, webhooks, admin keys, signing keys
 *   liveproof ipintel …      the VPN, datacenter and relay lists: show, refresh
 *
 * SQLite under ./data by default; PostgreSQL when DATABASE_URL is set.
 */
import { SealingError } from '@liveproof/server';
import { parseArgs } from 'node:util';
import { ADMIN_USAGE, runAdmin } from './admin-cli.ts';
import { IPINTEL_USAGE, runIpintel } from './ipintel.ts';
import { startServer } from './serve.ts';
import { SettingsError, readSettings } from './settings.ts';

const USAGE = `usage: liveproof dev | serve | admin <command> | ipintel <command>

  dev      start for development and the demo (what the README's start command runs)
  serve    start a deployment: needs LIVEPROOF_PUBLIC_URL and LIVEPROOF_KEK
  admin    administer integrations and keys; \`liveproof admin help\`
  ipintel  the IP lists behind the network signals

${ADMIN_USAGE}

liveproof ipintel <command>

${IPINTEL_USAGE}`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev':
      await startServer(readSettings('development'));
      return undefined;
    case 'serve':
      await startServer(readSettings('production'));
      return undefined;
    case 'admin':
      // Administration uses the server's settings; which mode matters only for defaults of a start.
      return runAdmin(rest, readSettings(process.env.LIVEPROOF_KEK ? 'production' : 'development'));
    case 'ipintel': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { commit: { type: 'string' }, from: { type: 'string' }, date: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      return runIpintel(positionals, readSettings('development'), values);
    }
    default:
      console.log(USAGE);
      return command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    // A setting, or a stored secret the settings cannot open: the operator's to fix, no stack needed.
    if (error instanceof SettingsError || error instanceof SealingError) {
      console.error(`liveproof: ${error.message}`);
      process.exit(2);
    }
    console.error('liveproof: could not start:', error);
    process.exit(1);
  },
);
