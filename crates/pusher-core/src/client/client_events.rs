//! Client events (`client-*`, sent socket to socket) and their rate limit.

use super::*;

impl Client {
    /// Sends a client event (`client-*`, private/presence channels, ≤ 10/s).
    pub fn trigger(
        &mut self,
        channel: &str,
        event: &str,
        data: &Value,
        now: f64,
    ) -> Result<Vec<Action>, TriggerError> {
        if !event.starts_with("client-") {
            return Err(TriggerError::BadEventName);
        }
        if !ChannelKind::of(channel).allows_client_events() {
            return Err(TriggerError::NotAllowedOnChannel);
        }
        if self.channels.get(channel).is_none() {
            return Err(TriggerError::NotSubscribed);
        }
        if self.socket != Socket::Open {
            return Err(TriggerError::NotConnected);
        }
        while self
            .client_events
            .front()
            .is_some_and(|t| now - t >= 1000.0)
        {
            self.client_events.pop_front();
        }
        if self.client_events.len() >= CLIENT_EVENTS_PER_SECOND {
            return Err(TriggerError::RateLimited);
        }
        self.client_events.push_back(now);
        Ok(vec![Action::Send(encode(event, data, Some(channel)))])
    }
}
