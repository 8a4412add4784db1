//! The task panel's list as a state machine: it is kept current from fetches
//! and `task.*` events, which can arrive in any order. It decides which fetch
//! answer counts (only the newest started), replays over an answer the events
//! that arrived while it was out (the answer may predate them), and restores a
//! checkbox whose change the server refused.

use super::{apply_task_event, Task, TaskEvent};

/// A fetch started by [`TaskList::begin_fetch`]; only the newest one counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchTicket(u64);

/// What a failed fetch means for the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchFailure {
    /// A newer fetch is on its way: nothing to say.
    Superseded,
    /// A list is shown and stays; it may be stale.
    ListKept,
    /// No list was ever loaded: the panel shows the failure instead.
    NothingShown,
}

/// A checkbox ticked ahead of the server's answer, to restore if it refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingToggle {
    /// The task's id.
    pub id: String,
    /// The task's title, for the message that says the change was refused.
    pub title: String,
    was_completed: bool,
}

/// The tasks the panel shows, kept current from fetches and events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskList {
    tasks: Vec<Task>,
    /// How many the server holds in all, when it says.
    total: Option<u64>,
    loaded: bool,
    latest: u64,
    in_flight: u32,
    /// Events received while a fetch was out.
    replay: Vec<TaskEvent>,
}

impl TaskList {
    /// The tasks to show, in the server's order.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// A list has been loaded at least once.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// `(shown, total)` when the server holds more tasks than are shown.
    pub fn more_on_server(&self) -> Option<(u64, u64)> {
        let shown = self.tasks.len() as u64;
        self.total
            .filter(|total| *total > shown)
            .map(|total| (shown, total))
    }

    /// A fetch is about to start; hand its answer back with the ticket.
    pub fn begin_fetch(&mut self) -> FetchTicket {
        self.latest += 1;
        self.in_flight += 1;
        FetchTicket(self.latest)
    }

    /// The answer to `ticket`; false when a newer fetch makes it stale.
    pub fn fetch_succeeded(
        &mut self,
        ticket: FetchTicket,
        mut tasks: Vec<Task>,
        total: Option<u64>,
    ) -> bool {
        if !self.finish(ticket) {
            return false;
        }
        for event in std::mem::take(&mut self.replay) {
            apply_task_event(&mut tasks, event);
        }
        self.tasks = tasks;
        self.total = total;
        self.loaded = true;
        true
    }

    /// The fetch of `ticket` failed; what that means for the panel.
    pub fn fetch_failed(&mut self, ticket: FetchTicket) -> FetchFailure {
        if !self.finish(ticket) {
            return FetchFailure::Superseded;
        }
        self.replay.clear();
        if self.loaded {
            FetchFailure::ListKept
        } else {
            FetchFailure::NothingShown
        }
    }

    /// Counts the fetch done; true when it is the newest.
    fn finish(&mut self, ticket: FetchTicket) -> bool {
        self.in_flight = self.in_flight.saturating_sub(1);
        ticket.0 == self.latest
    }

    /// A `task.*` event: applied now, and again over any answer still out.
    pub fn event(&mut self, event: TaskEvent) {
        if self.in_flight > 0 {
            self.replay.push(event.clone());
        }
        apply_task_event(&mut self.tasks, event);
    }

    /// Ticks task `id` at once; `None` when there is no such task.
    pub fn toggle(&mut self, id: &str, completed: bool) -> Option<PendingToggle> {
        let task = self.tasks.iter_mut().find(|t| t.id == id)?;
        let pending = PendingToggle {
            id: task.id.clone(),
            title: task.title.clone(),
            was_completed: task.completed,
        };
        task.completed = completed;
        Some(pending)
    }

    /// The server refused the toggle: the checkbox goes back.
    pub fn toggle_refused(&mut self, pending: &PendingToggle) {
        if let Some(task) = self.tasks.iter_mut().find(|t| t.id == pending.id) {
            task.completed = pending.was_completed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, title: &str, completed: bool) -> Task {
        Task {
            id: id.into(),
            title: title.into(),
            description: None,
            completed,
        }
    }

    #[test]
    fn only_the_newest_fetch_counts() {
        let mut list = TaskList::default();
        let old = list.begin_fetch();
        let new = list.begin_fetch();
        assert!(list.fetch_succeeded(new, vec![task("1", "new", false)], Some(1)));
        assert!(!list.fetch_succeeded(old, vec![task("9", "old", false)], None));
        assert_eq!(list.tasks(), [task("1", "new", false)]);
        assert_eq!(list.fetch_failed(old), FetchFailure::Superseded);
    }

    #[test]
    fn events_during_a_fetch_are_replayed_over_its_answer() {
        let mut list = TaskList::default();
        let ticket = list.begin_fetch();
        list.event(TaskEvent::Upsert(task("2", "added meanwhile", false)));
        list.event(TaskEvent::Deleted("1".into()));
        // The answer was read before those events happened.
        assert!(list.fetch_succeeded(ticket, vec![task("1", "deleted meanwhile", false)], None));
        assert_eq!(list.tasks(), [task("2", "added meanwhile", false)]);
        // Nothing is replayed twice.
        let again = list.begin_fetch();
        assert!(list.fetch_succeeded(again, vec![task("3", "fresh", true)], None));
        assert_eq!(list.tasks(), [task("3", "fresh", true)]);
    }

    #[test]
    fn a_failure_keeps_a_shown_list_and_reports_a_first_one() {
        let mut list = TaskList::default();
        let first = list.begin_fetch();
        assert_eq!(list.fetch_failed(first), FetchFailure::NothingShown);
        let second = list.begin_fetch();
        assert!(list.fetch_succeeded(second, vec![task("1", "a", false)], Some(1)));
        let third = list.begin_fetch();
        assert_eq!(list.fetch_failed(third), FetchFailure::ListKept);
        assert_eq!(list.tasks().len(), 1);
    }

    #[test]
    fn a_refused_toggle_goes_back() {
        let mut list = TaskList::default();
        let t = list.begin_fetch();
        list.fetch_succeeded(t, vec![task("1", "a", false)], None);
        let pending = list.toggle("1", true).unwrap();
        assert!(list.tasks()[0].completed);
        list.toggle_refused(&pending);
        assert!(!list.tasks()[0].completed);
        assert_eq!(pending.title, "a");
        assert!(list.toggle("404", true).is_none());
    }

    #[test]
    fn more_on_the_server_is_counted() {
        let mut list = TaskList::default();
        let t = list.begin_fetch();
        list.fetch_succeeded(t, vec![task("1", "a", false)], Some(501));
        assert_eq!(list.more_on_server(), Some((1, 501)));
        let t = list.begin_fetch();
        list.fetch_succeeded(t, vec![task("1", "a", false)], Some(1));
        assert_eq!(list.more_on_server(), None);
    }
}
