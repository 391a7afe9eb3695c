/** The scripts the harness injects into pages (`tools/eval/page/`): the actor, the presenter, the event recorder. */
import { fileURLToPath } from 'node:url';

export const PAGE_DIR = fileURLToPath(new URL('../page/', import.meta.url));
