import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

// ADR 0009: raw SQL goes through the lib/sql builder (`sql`…``, runSql, executeSql, insertSql, lockRows), never Prisma's raw API.
const RAW_SQL_MESSAGE = "Raw SQL goes through lib/sql (sql`…` + runSql/executeSql, insertSql, lockRows): see docs/adr/0009-raw-sql.md.";
const rawSqlRule = [
  "error",
  ...["$queryRawUnsafe", "$executeRawUnsafe", "$queryRaw", "$executeRaw", "$queryRawTyped"].map((property) => ({ property, message: RAW_SQL_MESSAGE })),
  ...["sql", "raw", "join", "empty"].map((property) => ({ object: "Prisma", property, message: RAW_SQL_MESSAGE })),
];

// Files whose user-facing text comes from the message catalogs (lib/i18n/messages): a literal string in their JSX,
// or in an attribute people read, fails lint. Every page joins this list as it is translated.
const TRANSLATED_FILES = [
  "app/layout.tsx",
  "app/\\(portal\\)/layout.tsx",
  "app/\\(portal\\)/portal/events/**/*.tsx",
  "app/\\(portal\\)/portal/webhooks/**/*.tsx",
  "components/i18n/**/*.tsx",
  "components/portal/events/**/*.tsx",
  "components/portal/query-state.tsx",
  "components/ui/confirm-action.tsx",
  "components/ui/field.tsx",
  "app/\\(portal\\)/portal/staff/**/*.tsx",
  "app/\\(portal\\)/portal/callbacks/**/*.tsx",
  "components/portal/callbacks/**/*.tsx",
  "app/\\(portal\\)/portal/page.tsx",
  "app/\\(portal\\)/portal/dashboard-view.tsx",
  "app/\\(portal\\)/portal/awaiting-action.tsx",
  "app/\\(portal\\)/portal/callbacks-chart.tsx",
  "app/\\(portal\\)/portal/failing-orders.tsx",
  "app/\\(portal\\)/portal/instance-state-cards.tsx",
  "app/\\(portal\\)/portal/settings/**/*.tsx",
  "components/ui/badge.tsx",
  "components/ui/card.tsx",
  "components/ui/table-head.tsx",
  "app/\\(portal\\)/portal/instances/**/*.tsx",
  "app/\\(portal\\)/portal/tenants/**/*.tsx",
  "app/\\(portal\\)/portal/alerts/**/*.tsx",
  "app/page.tsx",
  "app/login/**/*.tsx",
  "app/logout/**/*.tsx",
  "app/signed-out/**/*.tsx",
  "app/auth/**/*.tsx",
  "app/sso/**/*.tsx",
  "app/app/**/*.tsx",
];
const USER_FACING_ATTRIBUTES = "aria-label|title|placeholder|alt|label|empty|confirmLabel|submitLabel";

const config = [
  ...nextVitals,
  ...nextTs,
  prettier,
  {
    ignores: ["lib/generated/**", ".next/**", "node_modules/**", "data/**", "e2e/output/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: [
      // The builder itself runs statements through Prisma's raw API.
      "lib/sql/**",
      // Tests may reach past the builder on purpose (a session check through Prisma itself).
      "**/*.test.ts",
      "testing/**",
    ],
    rules: { "no-restricted-properties": rawSqlRule },
  },
  // Test doubles (testing/) never reach the product: only tests, the bench and the demo import them (server.ts loads the mock
  // identity provider with a dynamic import, behind PORTAL_MOCK_IDP).
  {
    files: ["app/**", "components/**", "lib/**", "server.ts", "proxy.ts", "instrumentation.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/testing/*", "**/testing/*"], allowTypeImports: true, message: "testing/ holds test doubles; product code must not import it." },
          ],
        },
      ],
    },
  },
  // Type-aware rules that catch real bugs (promises dropped or passed where a void callback is expected,
  // awaiting non-promises, switches that miss a union member). Only on TypeScript files: tsconfig has no allowJs.
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite"] }] },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: TRANSLATED_FILES,
    rules: {
      "react/jsx-no-literals": ["error", { noStrings: true, ignoreProps: true, allowedStrings: [" ", ",", ":", "(", ")", "—", "–", "…", "·", "#"] }],
      "no-restricted-syntax": [
        "error",
        {
          selector: `JSXAttribute[name.name=/^(${USER_FACING_ATTRIBUTES})$/] > Literal`,
          message: 'User-facing text comes from the message catalogs (lib/i18n/messages): use t("…").',
        },
      ],
    },
  },
];

export default config;
