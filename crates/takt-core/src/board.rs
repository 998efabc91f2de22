//! The kaizen board: the kaizen items as cards in columns by status, each with its owner, due
//! date (overdue when the date has passed and the item is neither done nor dropped), the step
//! or flow it targets, and its expected effect; and the resolution velocity, items done per
//! week (Monday to Sunday) over the last 12 weeks, from the times they were marked done.

use crate::model::{KaizenStatus, KaizenTarget, ValueStream};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// The weeks the velocity covers.
pub const WEEKS: usize = 12;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Card {
    pub id: String,
    pub title: String,
    pub status: KaizenStatus,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
    /// The step's name, or the flow's ends by name, it targets.
    pub target: Option<String>,
    pub effect: String,
    /// When it was marked done (YYYY-MM-DD), when the trail says.
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Week {
    /// The Monday it starts on, YYYY-MM-DD.
    pub start: String,
    pub done: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Board {
    pub today: String,
    /// In the map's order.
    pub cards: Vec<Card>,
    /// Oldest first, the week of `today` last.
    pub velocity: Vec<Week>,
}

/// The board of a map's kaizen items on `today`; `done_at` gives when each item was marked
/// done (a date or an RFC 3339 time; its first ten characters are the date).
pub fn board(map: &ValueStream, done_at: &HashMap<String, String>, today: NaiveDate) -> Board {
    let name = |id: &str| {
        map.step(id)
            .map_or(id.to_string(), |s| s.label().to_string())
    };
    let cards = map
        .kaizen
        .iter()
        .map(|k| {
            let due = k.due.as_deref().and_then(crate::model::parse_date);
            let open = !matches!(k.status, KaizenStatus::Done | KaizenStatus::Dropped);
            Card {
                id: k.id.clone(),
                title: k.title.clone(),
                status: k.status,
                owner: k.owner.clone(),
                due: k.due.clone(),
                overdue: open && due.is_some_and(|d| d < today),
                target: k.target.as_ref().map(|t| match t {
                    KaizenTarget::Step(s) => name(s),
                    KaizenTarget::Flow(f) => match map.flows.iter().find(|x| x.key_is(f)) {
                        Some(x) => format!("{} → {}", name(&x.from), name(&x.to)),
                        None => f.clone(),
                    },
                }),
                effect: k.effect.clone(),
                done_on: done_at
                    .get(&k.id)
                    .filter(|_| k.status == KaizenStatus::Done)
                    .map(|t| t.chars().take(10).collect()),
            }
        })
        .collect::<Vec<Card>>();
    let monday = today - Days::new(today.weekday().num_days_from_monday() as u64);
    let first = monday - Days::new(7 * (WEEKS as u64 - 1));
    let mut velocity: Vec<Week> = (0..WEEKS)
        .map(|w| Week {
            start: (first + Days::new(7 * w as u64))
                .format("%Y-%m-%d")
                .to_string(),
            done: 0,
        })
        .collect();
    for c in &cards {
        let Some(day) = c.done_on.as_deref().and_then(crate::model::parse_date) else {
            continue;
        };
        if day < first || day > today {
            continue;
        }
        let w = ((day - first).num_days() / 7) as usize;
        if let Some(week) = velocity.get_mut(w) {
            week.done += 1;
        }
    }
    Board {
        today: today.format("%Y-%m-%d").to_string(),
        cards,
        velocity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kaizen;

    fn item(id: &str, status: KaizenStatus, due: Option<&str>) -> Kaizen {
        Kaizen {
            id: id.into(),
            title: id.to_uppercase(),
            target: None,
            effect: String::new(),
            owner: Some("Ana".into()),
            status,
            due: due.map(Into::into),
            x: None,
            y: None,
        }
    }

    #[test]
    fn overdue_items_and_the_weeks_they_were_done_in() {
        let mut m = ValueStream::new("m");
        m.kaizen = vec![
            item("late", KaizenStatus::Doing, Some("2026-12-01")),
            item("due-today", KaizenStatus::Planned, Some("2026-12-05")),
            item("done-late", KaizenStatus::Done, Some("2026-11-01")),
            item("dropped", KaizenStatus::Dropped, Some("2026-01-01")),
            item("done-old", KaizenStatus::Done, None),
            item("reopened", KaizenStatus::Doing, None),
        ];
        let done: HashMap<String, String> = [
            ("done-late", "2026-12-02T10:00:00Z"),
            ("done-old", "2026-06-01T10:00:00Z"),
            ("reopened", "2026-12-03T10:00:00Z"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        // Saturday 5 December 2026: its week starts on Monday 30 November.
        let b = board(&m, &done, NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
        let overdue: Vec<&str> = b
            .cards
            .iter()
            .filter(|c| c.overdue)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(overdue, ["late"]);
        assert_eq!(b.velocity.len(), 12);
        assert_eq!(b.velocity[11].start, "2026-11-30");
        assert_eq!(b.velocity[0].start, "2026-09-14");
        // Done on 2 December counts in the last week; June is before the 12 weeks; an item
        // done and then reopened is not done.
        let counts: Vec<u32> = b.velocity.iter().map(|w| w.done).collect();
        assert_eq!(counts.iter().sum::<u32>(), 1);
        assert_eq!(counts[11], 1);
        assert_eq!(b.cards[2].done_on.as_deref(), Some("2026-12-02"));
        assert_eq!(b.cards[5].done_on, None);
    }
}
