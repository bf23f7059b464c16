// The example page shows the sweep named in its address (?sweep=…&workspace=…).
const query = new URLSearchParams(location.search);
const element = document.getElementById('details');
for (const name of ['sweep', 'workspace', 'metric']) {
  const value = query.get(name);
  if (value !== null) element?.setAttribute(name, value);
}
