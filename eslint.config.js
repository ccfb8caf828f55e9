import raycast from "@raycast/eslint-config";

export default [...raycast, { ignores: ["dist/", "dist-raycast/", "assets/", "node_modules/", ".tools/", "**/*.generated.ts"] }];
