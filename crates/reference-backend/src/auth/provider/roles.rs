//! Which dashboard role a provider's token grants: read from a configurable
//! claim, mapped by a configurable table, the most privileged match wins.
//!
//! Where providers put roles (see docs/hosted-sign-in.md): Auth0 in a
//! namespaced claim (`https://toolboxai.app/roles`), Keycloak in
//! `realm_access.roles`, Entra ID in `roles` (app roles), Clerk in a
//! session-token custom claim such as `metadata.role`.

use crate::auth::Role;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct RoleMapping {
    claim: String,
    /// (provider value, dashboard role), compared case-sensitively.
    table: Vec<(String, Role)>,
    default: Role,
}

impl RoleMapping {
    /// `map` is `value=role,value=role`; an unknown dashboard role is an error.
    pub fn new(claim: &str, map: &str, default: &str) -> anyhow::Result<RoleMapping> {
        let parse_role = |name: &str| {
            Role::parse(name.trim()).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name:?} is not a dashboard role (admin, teacher, student, parent)"
                )
            })
        };
        let mut table = Vec::new();
        for pair in map.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (value, role) = pair
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("OIDC_ROLE_MAP entry {pair:?} is not value=role"))?;
            table.push((value.trim().to_string(), parse_role(role)?));
        }
        for role in [Role::Admin, Role::Teacher, Role::Student, Role::Parent] {
            table.push((role.as_str().to_string(), role));
        }
        Ok(RoleMapping {
            claim: claim.trim().to_string(),
            table,
            default: parse_role(default)?,
        })
    }

    /// The role `claims` grant.
    pub fn role(&self, claims: &Value) -> Role {
        let values = self.claim_values(claims);
        [Role::Admin, Role::Teacher, Role::Student, Role::Parent]
            .into_iter()
            .find(|wanted| {
                values.iter().any(|v| {
                    self.table
                        .iter()
                        .find(|(value, _)| value == v)
                        .is_some_and(|(_, role)| role == wanted)
                })
            })
            .unwrap_or(self.default)
    }

    /// The claim's string values: a string, or the strings of an array. The
    /// whole name is tried as one key first (namespaced URLs contain dots).
    fn claim_values(&self, claims: &Value) -> Vec<String> {
        let found = claims.get(&self.claim).or_else(|| {
            self.claim
                .split('.')
                .try_fold(claims, |node, key| node.get(key))
        });
        match found {
            Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn own_role_names_map_to_themselves_and_the_highest_wins() {
        let m = RoleMapping::new("roles", "", "student").unwrap();
        assert_eq!(m.role(&json!({ "roles": ["teacher"] })), Role::Teacher);
        assert_eq!(
            m.role(&json!({ "roles": ["teacher", "admin"] })),
            Role::Admin
        );
        assert_eq!(m.role(&json!({ "roles": "admin" })), Role::Admin);
        assert_eq!(m.role(&json!({})), Role::Student, "no claim: the default");
        assert_eq!(
            m.role(&json!({ "roles": ["owner"] })),
            Role::Student,
            "unknown value"
        );
        assert_eq!(m.role(&json!({ "roles": 7 })), Role::Student, "not text");
    }

    #[test]
    fn keycloak_realm_roles_by_dotted_path() {
        let m = RoleMapping::new("realm_access.roles", "dashboard-admin=admin", "student").unwrap();
        let claims = json!({ "realm_access": { "roles": ["offline_access", "dashboard-admin"] } });
        assert_eq!(m.role(&claims), Role::Admin);
    }

    #[test]
    fn auth0_namespaced_claims_are_one_key() {
        let m = RoleMapping::new("https://toolboxai.app/roles", "", "parent").unwrap();
        let claims = json!({ "https://toolboxai.app/roles": ["teacher"] });
        assert_eq!(m.role(&claims), Role::Teacher);
    }

    #[test]
    fn entra_app_roles_and_clerk_metadata_through_the_map() {
        let entra = RoleMapping::new(
            "roles",
            "Dashboard.Admin=admin, Dashboard.Teacher=teacher",
            "student",
        )
        .unwrap();
        assert_eq!(
            entra.role(&json!({ "roles": ["Dashboard.Teacher"] })),
            Role::Teacher
        );
        let clerk = RoleMapping::new("metadata.role", "org:admin=admin", "student").unwrap();
        assert_eq!(
            clerk.role(&json!({ "metadata": { "role": "org:admin" } })),
            Role::Admin
        );
    }

    #[test]
    fn a_bad_map_is_refused_at_start() {
        assert!(RoleMapping::new("roles", "x=superuser", "student").is_err());
        assert!(RoleMapping::new("roles", "no-equals", "student").is_err());
        assert!(RoleMapping::new("roles", "", "root").is_err());
    }
}
