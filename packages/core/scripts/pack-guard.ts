// `npm pack` in packages/core would pack the TypeScript sources the monorepo imports; the
// installable package is dist/ (compiled ESM + .d.ts). Stop and say how to get it.
console.error(
  "expected `npm run pack:dist -w @groundcrew/core` (builds and packs dist/), found `npm pack` of the " +
    "workspace sources; run `npm run pack:dist -w @groundcrew/core` instead",
);
process.exit(1);
