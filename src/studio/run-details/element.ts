// `overdrive/element` (the npm package's entry): importing it defines
// `<overdrive-run-details sweep="…" workspace="…">`, a live view of one sweep stored in this
// browser. The Studio's own build loads register.ts under a stable file name instead.
import { defineRunDetails } from './run-details-element.js';

defineRunDetails();

export { defineRunDetails };
