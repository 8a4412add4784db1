// Accounts the tests sign in with. Locally the harness seeds these; against a
// deployed URL they come from the environment.
export interface Account {
  username: string;
  password: string;
}

export const credentials = {
  admin: {
    username: process.env.E2E_ADMIN_USER ?? "admin",
    password: process.env.E2E_ADMIN_PASSWORD ?? "admin-pass-123",
  } satisfies Account,
  teacher: {
    username: process.env.E2E_USER ?? "teacher",
    password: process.env.E2E_USER_PASSWORD ?? "teacher-pass-123",
  } satisfies Account,
};

/** Against a deployed URL, tests that sign in need credentials from the environment. */
export const haveDeployedCredentials = Boolean(process.env.E2E_ADMIN_USER && process.env.E2E_ADMIN_PASSWORD);
export const haveDeployedUser = Boolean(process.env.E2E_USER && process.env.E2E_USER_PASSWORD);
