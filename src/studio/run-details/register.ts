// Entry of the embeddable run-details component: `<script type="module" src="/overdrive-run-details.js">`.
import { defineRunDetails } from './run-details-element.js';

defineRunDetails();
