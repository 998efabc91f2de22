//! Durations as people write them ("6h", "5wd", 90) and the work calendar that turns them into
//! seconds of elapsed time.
//!
//! A [`Duration`] keeps the unit it was entered in, so that a map written in working days is
//! written back in working days; it is converted to seconds once, through the map's [`Calendar`].

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Seconds in an hour and in a calendar day.
pub const HOUR: f64 = 3600.0;
pub const DAY: f64 = 86_400.0;

/// The unit a duration was entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Seconds.
    #[default]
    S,
    /// Minutes.
    Min,
    /// Hours.
    H,
    /// Calendar days of 24 hours.
    D,
    /// Working days: one day of the calendar's working week, so that `days_per_week` of them span
    /// seven calendar days of elapsed time.
    Wd,
    /// Weeks of seven calendar days.
    W,
}

impl Unit {
    pub const ALL: [Unit; 6] = [Unit::S, Unit::Min, Unit::H, Unit::D, Unit::Wd, Unit::W];

    pub fn symbol(self) -> &'static str {
        match self {
            Unit::S => "s",
            Unit::Min => "min",
            Unit::H => "h",
            Unit::D => "d",
            Unit::Wd => "wd",
            Unit::W => "w",
        }
    }

    /// Seconds of elapsed time in one of this unit.
    pub fn seconds(self, calendar: &Calendar) -> f64 {
        match self {
            Unit::S => 1.0,
            Unit::Min => 60.0,
            Unit::H => HOUR,
            Unit::D => DAY,
            Unit::Wd => 7.0 * DAY / calendar.days_per_week,
            Unit::W => 7.0 * DAY,
        }
    }
}

impl FromStr for Unit {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.symbol() == s)
            .ok_or_else(|| DurationError::UnknownUnit(s.to_string()))
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// The map's work calendar. Working days convert through it; calendar days do not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Working hours in one working day (default 8).
    #[serde(default = "Calendar::default_hours")]
    pub hours_per_day: f64,
    /// Working days in one week (default 5).
    #[serde(default = "Calendar::default_days")]
    pub days_per_week: f64,
}

impl Calendar {
    fn default_hours() -> f64 {
        8.0
    }
    fn default_days() -> f64 {
        5.0
    }
    pub fn is_default(&self) -> bool {
        *self == Calendar::default()
    }
    /// Share of elapsed (calendar) time that is working time: 40 h of 168 h by default.
    pub fn working_share(&self) -> f64 {
        self.hours_per_day * self.days_per_week / (24.0 * 7.0)
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            hours_per_day: 8.0,
            days_per_week: 5.0,
        }
    }
}

/// A non-converted duration: a number and the unit it was given in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    pub value: f64,
    pub unit: Unit,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DurationError {
    #[error("unknown time unit '{0}' (use s, min, h, d, wd or w)")]
    UnknownUnit(String),
    #[error("'{0}' is not a duration (write a number of seconds, or a number and a unit such as \"6h\" or \"5wd\")")]
    Malformed(String),
}

impl Duration {
    pub const ZERO: Duration = Duration {
        value: 0.0,
        unit: Unit::S,
    };

    pub fn new(value: f64, unit: Unit) -> Self {
        Duration { value, unit }
    }
    pub fn secs(value: f64) -> Self {
        Duration {
            value,
            unit: Unit::S,
        }
    }
    pub fn hours(value: f64) -> Self {
        Duration {
            value,
            unit: Unit::H,
        }
    }
    /// Elapsed seconds under the given calendar.
    pub fn seconds(&self, calendar: &Calendar) -> f64 {
        self.value * self.unit.seconds(calendar)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit)
    }
}

impl FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let split = t
            .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
            // No other letter: an exponent ("2.5e3") or no unit at all.
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num
            .trim()
            .parse()
            .map_err(|_| DurationError::Malformed(s.to_string()))?;
        let unit = if unit.is_empty() {
            Unit::S
        } else {
            unit.trim().parse()?
        };
        Ok(Duration { value, unit })
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.unit == Unit::S {
            s.serialize_f64(self.value)
        } else {
            s.collect_str(self)
        }
    }
}

/// In TypeScript a duration is what the file holds: seconds, or a string with a unit.
#[cfg(feature = "specta")]
impl specta::Type for Duration {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        mod ts {
            #[derive(serde::Serialize, specta::Type)]
            #[serde(untagged)]
            #[allow(dead_code)]
            pub enum Duration {
                Seconds(f64),
                Text(String),
            }
        }
        <ts::Duration as specta::Type>::definition(types)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d) {
            Ok(Raw::N(n)) => Ok(Duration::secs(n)),
            Ok(Raw::S(s)) => s.parse().map_err(serde::de::Error::custom),
            Err(_) => Err(serde::de::Error::custom(
                "expected a duration: a number of seconds or a string such as \"6h\" or \"5wd\"",
            )),
        }
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> String {
        "Duration".to_string()
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({
            "description": "A number of seconds, or a number and a unit: s, min, h, d (24 hours), wd (one working day of the calendar), w (7 days).",
            "oneOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\\s*(s|min|h|d|wd|w)?\\s*$" }
            ]
        }))
        .expect("static schema")
    }
}

/// Schema of a demand period: a bare unit ("w") or a duration ("13w").
pub fn period_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    serde_json::from_value(serde_json::json!({
        "description": "The period of the demand: a unit (one of it, e.g. \"w\") or a duration (e.g. \"13w\").",
        "oneOf": [
            { "type": "string", "enum": ["s", "min", "h", "d", "wd", "w"] },
            { "type": "number" },
            { "type": "string", "pattern": "^\\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\\s*(s|min|h|d|wd|w)?\\s*$" }
        ]
    }))
    .expect("static schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        let c = Calendar::default();
        assert_eq!("6h".parse::<Duration>().unwrap().seconds(&c), 6.0 * HOUR);
        assert_eq!("90".parse::<Duration>().unwrap().seconds(&c), 90.0);
        assert_eq!("2 min".parse::<Duration>().unwrap().seconds(&c), 120.0);
        assert_eq!("2d".parse::<Duration>().unwrap().seconds(&c), 2.0 * DAY);
        assert_eq!("1w".parse::<Duration>().unwrap().seconds(&c), 7.0 * DAY);
        assert_eq!("1.5e1s".parse::<Duration>().unwrap().seconds(&c), 15.0);
        // An exponent without a unit is seconds, as the schema allows.
        assert_eq!("2.5e3".parse::<Duration>().unwrap().seconds(&c), 2500.0);
    }

    #[test]
    fn working_days_follow_the_calendar() {
        // Five working days of a five-day week span one calendar week of elapsed time ...
        let five = Calendar::default();
        assert_eq!(Duration::new(5.0, Unit::Wd).seconds(&five), 7.0 * DAY);
        // ... and one working day is 1.4 calendar days, not one.
        assert!((Duration::new(1.0, Unit::Wd).seconds(&five) - 1.4 * DAY).abs() < 1e-9);
        // In a seven-day operation a working day is a calendar day.
        let seven = Calendar {
            hours_per_day: 24.0,
            days_per_week: 7.0,
        };
        assert_eq!(Duration::new(3.0, Unit::Wd).seconds(&seven), 3.0 * DAY);
    }

    #[test]
    fn rejects_unknown_units_and_garbage() {
        assert_eq!(
            "3y".parse::<Duration>(),
            Err(DurationError::UnknownUnit("y".into()))
        );
        assert!(matches!(
            "h".parse::<Duration>(),
            Err(DurationError::Malformed(_))
        ));
    }

    #[test]
    fn writes_back_in_the_unit_it_was_given() {
        let d: Duration = serde_json::from_str("\"5wd\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"5wd\"");
        let d: Duration = serde_json::from_str("7200").unwrap();
        assert_eq!(d, Duration::secs(7200.0));
    }
}
