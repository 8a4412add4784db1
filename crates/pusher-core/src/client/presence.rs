//! Presence channels (pusher-js `presence_channel` and `members`): the members
//! list, kept from `subscription_succeeded`, `member_added` and `member_removed`.

use super::*;

impl Client {
    /// The members of presence channel `name` and the id a member_added/removed
    /// frame names; `None` for other channels or frames without a usable id.
    pub(super) fn presence_member(
        &mut self,
        name: &str,
        data: &Value,
    ) -> Option<(&mut Members, String)> {
        let members = self.channels.get_mut(name)?.members_mut()?;
        let id = data.get("user_id").and_then(normalize_id)?;
        Some((members, id))
    }

    pub(super) fn member_added(&mut self, name: &str, data: Value, out: &mut Vec<Action>) {
        let Some((members, id)) = self.presence_member(name, &data) else {
            return;
        };
        let info = data.get("user_info").cloned().unwrap_or(Value::Null);
        if !members.members.contains_key(&id) {
            members.count += 1;
        }
        members.members.insert(id.clone(), info.clone());
        out.push(emit_message(
            Some(name),
            "pusher:member_added",
            json!({ "id": id, "info": info }),
            None,
        ));
    }

    pub(super) fn member_removed(&mut self, name: &str, data: Value, out: &mut Vec<Action>) {
        let Some((members, id)) = self.presence_member(name, &data) else {
            return;
        };
        if let Some(info) = members.members.remove(&id) {
            members.count = members.count.saturating_sub(1);
            out.push(emit_message(
                Some(name),
                "pusher:member_removed",
                json!({ "id": id, "info": info }),
                None,
            ));
        }
    }
}

/// Presence members as emitted with `pusher:subscription_succeeded`.
pub(super) fn members_json(m: &Members) -> Value {
    json!({
        "count": m.count,
        "me": m.me().map(|(id, info)| json!({ "id": id, "info": info })),
        "members": m.members,
    })
}
