//! The low-level route list Vercel derives from `vercel.json`, as
//! `tools/vercel-routes.mjs` writes it with `@vercel/routing-utils`
//! (`getTransformedRoutes`, the same call the Build Output uses). The server
//! executes this list (`site.rs`) and has no route conversion of its own.

use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

/// What `tools/vercel-routes.mjs` writes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteList {
    /// `cleanUrls`: `/about` also finds `about.html` in the filesystem step.
    #[serde(default)]
    pub clean_urls: bool,
    pub routes: Vec<RawRoute>,
}

/// One route as routing-utils emits it.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRoute {
    #[serde(default)]
    pub handle: Option<String>,
    #[serde(default)]
    pub src: Option<String>,
    #[serde(default)]
    pub dest: Option<String>,
    /// Header names as written (their order does not matter: names differ).
    #[serde(default)]
    pub headers: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default, rename = "continue")]
    pub continue_: bool,
    #[serde(default)]
    pub check: bool,
}

/// One entry of the route list, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteEntry {
    Filesystem,
    Route(Route),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub src: String,
    pub dest: Option<String>,
    /// In declaration order.
    pub headers: Vec<(String, String)>,
    pub status: Option<u16>,
    pub continue_: bool,
    pub check: bool,
}

impl RouteList {
    pub fn load(path: &Path) -> anyhow::Result<RouteList> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "reading {} (write it with `node tools/vercel-routes.mjs vercel.json --out …`)",
                path.display()
            )
        })?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// Runs `node tools/vercel-routes.mjs` (the repository's `tools/`, installed by
    /// scripts/bootstrap.sh) on `vercel_json`: how tests get the list the run script writes.
    pub fn derive_with_node(tools: &Path, vercel_json: &Path) -> anyhow::Result<RouteList> {
        let out = std::process::Command::new("node")
            .arg(tools.join("vercel-routes.mjs"))
            .arg(vercel_json)
            .output()
            .context("running node tools/vercel-routes.mjs")?;
        anyhow::ensure!(
            out.status.success(),
            "tools/vercel-routes.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).context("reading the route list")
    }

    /// The entries to run; a `handle` other than `filesystem` is refused (the
    /// dashboard's vercel.json produces none, and this server runs no other phase).
    pub fn entries(&self) -> anyhow::Result<Vec<RouteEntry>> {
        self.routes
            .iter()
            .map(|raw| match (&raw.handle, &raw.src) {
                (Some(handle), _) if handle == "filesystem" => Ok(RouteEntry::Filesystem),
                (Some(handle), _) => anyhow::bail!("route phase `{handle}` is not supported"),
                (None, Some(src)) => Ok(RouteEntry::Route(Route {
                    src: src.clone(),
                    dest: raw.dest.clone(),
                    headers: raw
                        .headers
                        .iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect(),
                    status: raw.status,
                    continue_: raw.continue_,
                    check: raw.check,
                })),
                (None, None) => anyhow::bail!("a route without `src` or `handle`"),
            })
            .collect()
    }
}
