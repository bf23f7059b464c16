// The example page shows the sweep named in its address (?sweep=…&workspace=…).
const query = new URLSearchParams(location.search);
const element = document.getElementById('details');
for (const name of ['sweep', 'workspace', 'metric']) {
  const value = query.get(name);
  if (value !== null) element?.setAttribute(name, value);
}

// The snippet shown names the script by its path from the site's root, wherever the app is
// served: this page sits three folders below the app's root (src/studio/run-details/).
const code = document.getElementById('embed-code');
if (code !== null) {
  const script = new URL('../../../overdrive-run-details.js', location.href).pathname;
  code.textContent = `<script type="module" src="${script}"></script>\n<overdrive-run-details sweep="HD_…" workspace="overdrive"></overdrive-run-details>`;
}
