// A node:test reporter writing JUnit XML, the format ./bookstore test counts (scripts/lib/junit_summary.py).
// Node's own junit reporter arrived in Node 20.10; Debian 12 ships Node 18, whose test runner takes a
// custom reporter like this one (an async generator over the run's events).

function escapeXml(text) {
  return String(text)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    // Control characters other than tab and newlines are not allowed in XML 1.0 (ANSI colours in errors).
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');
}

function describeError(error) {
  const cause = error?.cause ?? error;
  const message = cause?.message ?? String(cause);
  return { message: message.split('\n')[0], text: cause?.stack ?? message };
}

function testcase({ suites, name, details, error, skipped }) {
  const seconds = ((details?.duration_ms ?? 0) / 1000).toFixed(3);
  const open = `  <testcase classname="${escapeXml(suites.join(' > ') || 'browser')}" name="${escapeXml(name)}" time="${seconds}"`;
  if (skipped) return `${open}>\n    <skipped/>\n  </testcase>`;
  if (!error) return `${open}/>`;
  const { message, text } = describeError(error);
  return `${open}>\n    <failure message="${escapeXml(message)}">${escapeXml(text)}</failure>\n  </testcase>`;
}

export default async function* junit(source) {
  const suites = []; // the names of the describe() blocks around the test being reported, by nesting
  const cases = [];
  let failures = 0;
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      suites.length = data.nesting;
      suites[data.nesting] = data.name;
    } else if (type === 'test:pass' || type === 'test:fail') {
      if (data.details?.type === 'suite') continue; // its tests are reported one by one
      const error = type === 'test:fail' ? data.details?.error : undefined;
      if (error) failures += 1;
      const skipped = Boolean(data.skip || data.todo);
      cases.push(testcase({ suites: suites.slice(0, data.nesting), name: data.name, details: data.details, error, skipped }));
    }
  }
  yield '<?xml version="1.0" encoding="utf-8"?>\n';
  yield `<testsuites>\n<testsuite name="browser" tests="${cases.length}" failures="${failures}">\n`;
  yield cases.map((line) => `${line}\n`).join('');
  yield '</testsuite>\n</testsuites>\n';
}
