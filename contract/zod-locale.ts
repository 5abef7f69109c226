// zod/mini loads no locale: without one every built-in message would be a bare "Invalid input". The
// contract's messages are the English ones classic zod gives (it registers English the same way: only
// when no locale is set yet). Imported for its effect by the modules that define schemas.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

if (!z.config().localeError) z.config(en());
