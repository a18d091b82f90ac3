//! The consent engine: a transition table for every rule, and properties over random
//! sequences of acts, reloads, revisions and signals.

use crate::util::read;
use policy_consent::consent::engine::{definition_digest, host_birth, host_birth_from_text};
use policy_consent::consent::record::{ConsentRecord, civil_from_days};
use policy_consent::consent::{
    Act, Actor, Assessment, Config, ConsentError, CurrentPolicy, Engine, Event, Init, Method,
    Millis, Prompt, Signals, State,
};
use policy_consent::policy::manifest::{AgeGate, ChangelogEntry, Localized, Manifest, MinorsRule};
use policy_consent::revision::Level;
use policy_consent::sorted_map::SortedMap;
use proptest::prelude::*;

const DAY: Millis = 86_400_000;
/// 2026-11-29 12:00 UTC.
const NOW: Millis = 1_795_953_600_000;

fn manifest() -> Manifest {
    serde_json::from_str(&read("policy/consent.json")).unwrap()
}

fn optional(m: &Manifest) -> Vec<String> {
    m.purposes
        .iter()
        .filter(|p| !p.required)
        .map(|p| p.id.clone())
        .collect()
}

fn start_with(
    manifest: Manifest,
    stored: Option<ConsentRecord>,
    policy: CurrentPolicy,
    signals: Signals,
    config: Config,
    now: Millis,
) -> Engine {
    let stored = stored.map(|r| ConsentRecord::decode(&r.encode(), &manifest, now));
    Engine::start(Init {
        manifest,
        policy,
        stored,
        signals,
        config,
        new_record_id: "rec-1".into(),
        now,
    })
}

fn start(manifest: Manifest, stored: Option<ConsentRecord>, now: Millis) -> Engine {
    start_with(
        manifest,
        stored,
        CurrentPolicy::default(),
        Signals::default(),
        Config::default(),
        now,
    )
}

fn act(now: Millis) -> Act {
    Act {
        now,
        method: Method::Banner,
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn kind(prompt: &Prompt) -> String {
    match prompt {
        Prompt::None => "none".into(),
        Prompt::Banner { reason } => format!(
            "banner:{}",
            serde_json::to_value(reason).unwrap()["reason"]
                .as_str()
                .unwrap()
        ),
        Prompt::AgeGate => "age-gate".into(),
        Prompt::GuardianNeeded {
            awaiting_verification,
        } => format!("guardian-needed:{awaiting_verification}"),
        Prompt::ChangeNotice { level, .. } => format!("change-notice:{level}"),
        Prompt::UpcomingChange { .. } => "upcoming".into(),
    }
}

fn granted(engine: &Engine) -> Vec<String> {
    engine
        .manifest()
        .purposes
        .iter()
        .filter(|p| !p.required && engine.granted(&p.id))
        .map(|p| p.id.clone())
        .collect()
}

/// An adult (born April 1990) declares the age and accepts everything.
fn accept_all_as_adult(e: &mut Engine, now: Millis) {
    declare_adult(e, now);
    e.handle(Event::AcceptAll, act(now)).unwrap();
}

/// The visitor says they were born in April 1990.
fn declare_adult(e: &mut Engine, now: Millis) {
    let born = Event::DeclareAge {
        birth_year: 1990,
        birth_month: 4,
    };
    e.handle(born, act(now)).unwrap();
}

/// An adult who accepted everything under the current version, `days` ago.
fn accepted_adult(days: i64) -> (Manifest, ConsentRecord) {
    let m = manifest();
    let then = NOW - days * DAY;
    let mut e = start(m.clone(), None, then);
    accept_all_as_adult(&mut e, then);
    assert_eq!(granted(&e).len(), optional(&m).len());
    (m, e.record().clone())
}

/// The manifest moved on to version `to`, published today.
fn revised(mut m: Manifest, to: &str, declared: Option<(Level, &[&str])>) -> Manifest {
    m.policy.version = to.into();
    m.policy.effective = "2026-11-29".into();
    m.policy.upcoming = None;
    if let Some((level, purposes)) = declared {
        m.changelog.push(ChangelogEntry {
            version: to.into(),
            date: "2026-11-29".into(),
            level,
            summary: Localized::One("changes".into()),
            sections: Vec::new(),
            purposes: ids(purposes),
        });
    }
    m
}

// --- The transition table -------------------------------------------------------------

/// With nothing stored, exactly the required purposes are active, under any age gate and
/// signal. src/web/loader.js relies on it: on demand, it starts the app at once only for gated
/// content whose purposes are all required (`neededAtOnce`), as that alone runs before a
/// decision.
#[test]
fn with_nothing_stored_exactly_the_required_purposes_are_active() {
    for age_gate in [AgeGate::Ask, AgeGate::Host, AgeGate::Off] {
        for gpc in [false, true] {
            let mut m = manifest();
            m.age_gate = age_gate;
            let e = start_with(
                m.clone(),
                None,
                CurrentPolicy::default(),
                Signals { gpc },
                Config::default(),
                NOW,
            );
            assert!(m.purposes.iter().any(|p| p.required));
            for p in &m.purposes {
                assert_eq!(
                    e.granted(&p.id),
                    p.required,
                    "{} ({age_gate:?}, gpc {gpc})",
                    p.id
                );
            }
        }
    }
}

#[test]
fn first_visit_accept_asks_age_then_grants() {
    let m = manifest();
    let mut e = start(m.clone(), None, NOW);
    assert_eq!(kind(&e.prompt()), "banner:first-visit");
    assert!(granted(&e).is_empty());
    assert!(e.granted("necessary"), "required purposes are always on");
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(kind(&e.prompt()), "age-gate");
    assert!(
        granted(&e).is_empty(),
        "nothing optional takes effect before the age is known"
    );
    declare_adult(&mut e, NOW);
    assert_eq!(kind(&e.prompt()), "none");
    assert_eq!(granted(&e), optional(&m));
    let r = &e.record().purposes["analytics"];
    assert_eq!(
        (r.state, r.by, r.method, r.version.as_str(), r.at),
        (
            State::Granted,
            Actor::Person,
            Method::Banner,
            "2026-11",
            NOW
        )
    );
}

#[test]
fn reject_all_is_one_act_without_an_age_question() {
    let mut e = start(manifest(), None, NOW);
    let outcome = e.handle(Event::RejectAll, act(NOW)).unwrap();
    assert!(outcome.changed);
    assert_eq!(kind(&e.prompt()), "none");
    assert!(granted(&e).is_empty());
    assert!(
        e.record()
            .purposes
            .values()
            .all(|p| p.state == State::Denied)
    );
    assert!(e.record().age.is_none());
}

#[test]
fn settings_save_grants_exactly_the_chosen() {
    let mut e = start(manifest(), None, NOW);
    e.handle(
        Event::DeclareAge {
            birth_year: 1980,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(
        Event::Save {
            granted: ids(&["analytics"]),
        },
        Act {
            now: NOW,
            method: Method::Settings,
        },
    )
    .unwrap();
    assert_eq!(granted(&e), ["analytics"]);
    assert_eq!(e.record().purposes["ads"].state, State::Denied);
    assert_eq!(e.record().purposes["analytics"].method, Method::Settings);
}

/// The button on a gated embed's placeholder grants what the embed needs: after the age,
/// like any grant, recorded as made there, and nothing else decided.
#[test]
fn a_grant_from_an_embed_placeholder_waits_for_the_age_and_decides_nothing_else() {
    let mut e = start(manifest(), None, NOW);
    let embed = Act {
        now: NOW,
        method: Method::Embed,
    };
    let grant = Event::Grant {
        purposes: ids(&["personalization"]),
    };
    e.handle(grant, embed).unwrap();
    assert_eq!(kind(&e.prompt()), "age-gate");
    assert!(granted(&e).is_empty());
    declare_adult(&mut e, NOW);
    assert_eq!(granted(&e), ["personalization"]);
    assert_eq!(e.record().purposes["personalization"].method, Method::Embed);
    assert_eq!(kind(&e.prompt()), "banner:first-visit");
    // The placeholders pair each view with its manifest purpose by position.
    let order: Vec<String> = e.purposes().into_iter().map(|v| v.id).collect();
    let manifest_order: Vec<String> = e.manifest().purposes.iter().map(|p| p.id.clone()).collect();
    assert_eq!(order, manifest_order);
    let json = serde_json::to_string(e.record()).unwrap();
    assert!(json.contains(r#""method":"embed""#), "{json}");
    let back: ConsentRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, e.record());
}

#[test]
fn withdrawal_takes_effect_at_once() {
    let (m, record) = accepted_adult(1);
    let mut e = start(m, Some(record), NOW);
    e.handle(
        Event::Withdraw {
            purposes: ids(&["analytics"]),
        },
        Act {
            now: NOW,
            method: Method::Api,
        },
    )
    .unwrap();
    assert!(!e.granted("analytics"));
    assert!(e.granted("ads"));
    assert!(
        e.record()
            .events
            .iter()
            .any(|ev| ev.kind == "withdraw" && ev.detail == "analytics")
    );
}

#[test]
fn unknown_and_required_purposes_are_refused() {
    let mut e = start(manifest(), None, NOW);
    e.handle(
        Event::DeclareAge {
            birth_year: 1980,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    let outcome = e
        .handle(
            Event::Grant {
                purposes: ids(&["nope", "necessary", "surveys"]),
            },
            act(NOW),
        )
        .unwrap();
    let refused: Vec<&str> = outcome.refused.iter().map(|r| r.purpose.as_str()).collect();
    assert_eq!(refused, ["nope", "necessary"]);
    assert_eq!(granted(&e), ["surveys"]);
}

#[test]
fn a_minor_needs_a_verified_guardian_and_never_gets_forbidden_purposes() {
    let config = Config {
        guardian_verification: true,
        ..Config::default()
    };
    let mut e = start_with(
        manifest(),
        None,
        CurrentPolicy::default(),
        Signals::default(),
        config,
        NOW,
    );
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    e.handle(
        Event::DeclareAge {
            birth_year: 2011,
            birth_month: 6,
        },
        act(NOW),
    )
    .unwrap();
    assert!(granted(&e).is_empty());
    assert_eq!(kind(&e.prompt()), "guardian-needed:false");
    assert_eq!(
        e.purposes().iter().find(|p| p.id == "ads").unwrap().lock,
        Some(policy_consent::consent::Lock::ForbiddenForMinors)
    );
    assert_eq!(
        e.purposes()
            .iter()
            .find(|p| p.id == "analytics")
            .unwrap()
            .lock,
        Some(policy_consent::consent::Lock::NeedsGuardian)
    );
    // The minor cannot grant themselves.
    let outcome = e
        .handle(
            Event::Grant {
                purposes: ids(&["analytics"]),
            },
            act(NOW),
        )
        .unwrap();
    assert_eq!(outcome.refused.len(), 1);
    assert!(granted(&e).is_empty());
    // Declaring an adult age now is refused: the gate cannot be dodged in the same record.
    assert_eq!(
        e.handle(
            Event::DeclareAge {
                birth_year: 1990,
                birth_month: 1
            },
            act(NOW)
        ),
        Err(ConsentError::AgeLocked)
    );
    // The guardian: attestation is required, then the host verifies.
    assert!(matches!(
        e.handle(
            Event::GuardianStart {
                name: "Ana Li".into(),
                relationship: "parent".into(),
                attest: false
            },
            act(NOW)
        ),
        Err(ConsentError::Invalid(_))
    ));
    e.handle(
        Event::GuardianStart {
            name: "Ana Li".into(),
            relationship: "parent".into(),
            attest: true,
        },
        act(NOW),
    )
    .unwrap();
    assert_eq!(kind(&e.prompt()), "guardian-needed:true");
    assert!(
        granted(&e).is_empty(),
        "until confirmed, only required purposes are active"
    );
    e.handle(
        Event::GuardianConfirm {
            method: "email-code".into(),
            token: Some("tok-123".into()),
        },
        act(NOW),
    )
    .unwrap();
    assert_eq!(kind(&e.prompt()), "banner:guardian");
    let outcome = e.handle(Event::AcceptAll, act(NOW)).unwrap();
    let mut refused: Vec<&str> = outcome.refused.iter().map(|r| r.purpose.as_str()).collect();
    refused.sort();
    assert_eq!(refused, ["ads", "cross-service"]);
    assert_eq!(
        granted(&e),
        [
            "personalization",
            "location",
            "analytics",
            "messages",
            "surveys"
        ]
    );
    assert_eq!(e.record().purposes["analytics"].by, Actor::Guardian);
    let guardian = e.record().guardian.as_ref().unwrap();
    assert_eq!(
        (guardian.method.as_str(), guardian.token.as_deref()),
        ("email-code", Some("tok-123"))
    );
    // The next visit: the guardian's consent holds, forbidden purposes stay locked.
    let record = e.record().clone();
    let again = start(manifest(), Some(record), NOW + DAY);
    assert_eq!(
        granted(&again),
        [
            "personalization",
            "location",
            "analytics",
            "messages",
            "surveys"
        ]
    );
    assert!(!again.granted("ads"));
}

#[test]
fn without_host_verification_the_attestation_confirms() {
    let mut e = start(manifest(), None, NOW);
    e.handle(
        Event::DeclareAge {
            birth_year: 2012,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(
        Event::GuardianStart {
            name: "Sam".into(),
            relationship: "legal guardian".into(),
            attest: true,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(
        Event::Grant {
            purposes: ids(&["surveys"]),
        },
        act(NOW),
    )
    .unwrap();
    assert_eq!(granted(&e), ["surveys"]);
    assert_eq!(e.record().guardian.as_ref().unwrap().method, "attestation");
}

#[test]
fn a_minor_who_comes_of_age_is_asked_themselves() {
    let m = manifest();
    // Born 2008-11: 18 in 2026-11; adult from 2026-12.
    let then = NOW - 30 * DAY;
    let mut e = start(m.clone(), None, then);
    e.handle(
        Event::DeclareAge {
            birth_year: 2008,
            birth_month: 11,
        },
        act(then),
    )
    .unwrap();
    e.handle(
        Event::GuardianStart {
            name: "Ana".into(),
            relationship: "parent".into(),
            attest: true,
        },
        act(then),
    )
    .unwrap();
    e.handle(
        Event::Grant {
            purposes: ids(&["analytics"]),
        },
        act(then),
    )
    .unwrap();
    let record = e.record().clone();
    let still_minor = start(m.clone(), Some(record.clone()), NOW);
    assert_eq!(
        granted(&still_minor),
        ["analytics"],
        "the birth month itself has not passed the threshold"
    );
    let adult = start(m, Some(record), NOW + 5 * DAY);
    assert!(granted(&adult).is_empty());
    assert_eq!(kind(&adult.prompt()), "banner:guardian-lapsed");
    assert_eq!(adult.record().purposes["analytics"].state, State::Suspended);
    assert!(adult.record().guardian.is_none());
}

#[test]
fn guardian_can_reset_a_wrong_age() {
    let mut e = start(manifest(), None, NOW);
    e.handle(
        Event::DeclareAge {
            birth_year: 2015,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    assert!(
        e.handle(Event::GuardianReset, act(NOW)).is_err(),
        "only a verified guardian resets"
    );
    e.handle(
        Event::GuardianStart {
            name: "Ana".into(),
            relationship: "parent".into(),
            attest: true,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(Event::GuardianReset, act(NOW)).unwrap();
    assert!(e.record().age.is_none() && e.record().guardian.is_none());
    e.handle(
        Event::DeclareAge {
            birth_year: 1985,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(granted(&e).len(), 7);
}

#[test]
fn age_answers_are_validated() {
    let mut e = start(manifest(), None, NOW);
    for (year, month) in [(2026, 13), (2026, 12), (2027, 1), (1850, 1)] {
        assert!(
            matches!(
                e.handle(
                    Event::DeclareAge {
                        birth_year: year,
                        birth_month: month
                    },
                    act(NOW)
                ),
                Err(ConsentError::Invalid(_))
            ),
            "{year}-{month}"
        );
    }
    assert!(e.record().age.is_none());
}

/// An engine with `age_gate: host`, given the birth month the host knows (if any).
fn host_gated(birth: Option<(i32, u32)>) -> Engine {
    let mut m = manifest();
    m.age_gate = AgeGate::Host;
    let config = Config {
        host_birth: birth,
        ..Config::default()
    };
    start_with(
        m,
        None,
        CurrentPolicy::default(),
        Signals::default(),
        config,
        NOW,
    )
}

#[test]
fn host_supplied_age_skips_the_question_and_off_never_asks() {
    let mut e = host_gated(Some((1990, 5)));
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(granted(&e).len(), 7);
    // Host mode without a birth month asks.
    let mut e = host_gated(None);
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(kind(&e.prompt()), "age-gate");
    let mut off = manifest();
    off.age_gate = AgeGate::Off;
    let mut e = start(off, None, NOW);
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(granted(&e).len(), 7);
    assert!(
        e.handle(
            Event::DeclareAge {
                birth_year: 1990,
                birth_month: 1
            },
            act(NOW)
        )
        .is_err()
    );
}

#[test]
fn a_host_birth_month_is_read_from_yyyy_mm_and_anything_else_is_named() {
    assert_eq!(host_birth_from_text("1990-04"), Ok((1990, 4)));
    assert_eq!(host_birth_from_text(" 2012-12 "), Ok((2012, 12)));
    for bad in [
        "1990-13",
        "1990-00",
        "1990-4",
        "90-04",
        "1990/04",
        "1990-04-01",
        "",
        "-",
        "１９９０-04",
        "+990-04",
    ] {
        let error = host_birth_from_text(bad).unwrap_err();
        assert!(error.starts_with("birth"), "{bad:?}: {error}");
        assert!(
            error.contains(bad.trim()) || error.contains("month"),
            "{bad:?} named: {error}"
        );
    }
    assert_eq!(host_birth(1990, 4), Ok((1990, 4)));
    assert!(host_birth(1990, 0).unwrap_err().contains("month 0"));
    assert!(host_birth(1200, 4).unwrap_err().contains("year 1200"));
    // One the engine is given anyway is not used: the visitor is asked.
    let mut e = host_gated(Some((1990, 13)));
    e.handle(Event::AcceptAll, act(NOW)).unwrap();
    assert_eq!(kind(&e.prompt()), "age-gate");
}

#[test]
fn material_revision_suspends_affected_purposes_and_notifies_first() {
    let (m, record) = accepted_adult(10);
    let new = revised(m, "2027-01", None);
    let policy = CurrentPolicy {
        sections: SortedMap::new(),
        comparison: Some(Assessment {
            level: Level::Material,
            sections: ids(&["s-2-5"]),
            purposes: ids(&["ads"]),
        }),
    };
    let mut e = start_with(
        new.clone(),
        Some(record),
        policy,
        Signals::default(),
        Config::default(),
        NOW,
    );
    match e.prompt() {
        Prompt::ChangeNotice {
            level,
            from,
            to,
            sections,
            purposes,
        } => {
            assert_eq!(
                (level, from.as_str(), to.as_str()),
                (Level::Material, "2026-11", "2027-01")
            );
            assert_eq!((sections, purposes), (ids(&["s-2-5"]), ids(&["ads"])));
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.granted("ads"), "suspended: treated as denied");
    assert_eq!(e.record().purposes["ads"].state, State::Suspended);
    assert!(e.granted("analytics"), "unaffected purposes carry over");
    // A reload before acknowledging shows it again.
    let reloaded = start(new.clone(), Some(e.record().clone()), NOW + 1000);
    assert_eq!(kind(&reloaded.prompt()), "change-notice:material");
    e.handle(Event::AcknowledgeNotice, act(NOW)).unwrap();
    assert_eq!(kind(&e.prompt()), "none");
    assert!(!e.granted("ads"), "acknowledging is not re-affirming");
    e.handle(
        Event::Grant {
            purposes: ids(&["ads"]),
        },
        Act {
            now: NOW,
            method: Method::Notice,
        },
    )
    .unwrap();
    assert!(e.granted("ads"));
    assert_eq!(e.record().purposes["ads"].version, "2027-01");
    let later = start(new, Some(e.record().clone()), NOW + DAY);
    assert_eq!(kind(&later.prompt()), "none");
}

#[test]
fn cosmetic_revision_carries_over_silently() {
    let (m, record) = accepted_adult(10);
    let policy = CurrentPolicy {
        sections: SortedMap::new(),
        comparison: Some(Assessment {
            level: Level::Cosmetic,
            sections: vec![],
            purposes: vec![],
        }),
    };
    let e = start_with(
        revised(m.clone(), "2026-12", None),
        Some(record),
        policy,
        Signals::default(),
        Config::default(),
        NOW,
    );
    assert_eq!(kind(&e.prompt()), "none");
    assert_eq!(granted(&e), optional(&m));
    assert_eq!(e.record().policy.version, "2026-12");
}

#[test]
fn minor_revision_from_the_changelog_is_a_dismissible_notice() {
    let (m, record) = accepted_adult(10);
    let mut e = start(
        revised(m.clone(), "2026-12", Some((Level::Minor, &[]))),
        Some(record),
        NOW,
    );
    assert_eq!(kind(&e.prompt()), "change-notice:minor");
    assert_eq!(granted(&e), optional(&m));
    e.handle(Event::AcknowledgeNotice, act(NOW)).unwrap();
    assert_eq!(kind(&e.prompt()), "none");
}

#[test]
fn declared_level_raises_but_never_lowers_the_comparison() {
    let (m, record) = accepted_adult(10);
    let cosmetic = CurrentPolicy {
        sections: SortedMap::new(),
        comparison: Some(Assessment {
            level: Level::Cosmetic,
            sections: vec![],
            purposes: vec![],
        }),
    };
    let e = start_with(
        revised(m.clone(), "2026-12", Some((Level::Material, &["surveys"]))),
        Some(record.clone()),
        cosmetic,
        Signals::default(),
        Config::default(),
        NOW,
    );
    assert_eq!(kind(&e.prompt()), "change-notice:material");
    assert!(!e.granted("surveys") && e.granted("analytics"));
    let material = CurrentPolicy {
        sections: SortedMap::new(),
        comparison: Some(Assessment {
            level: Level::Material,
            sections: vec![],
            purposes: ids(&["ads"]),
        }),
    };
    let e = start_with(
        revised(m, "2026-12", Some((Level::Cosmetic, &[]))),
        Some(record),
        material,
        Signals::default(),
        Config::default(),
        NOW,
    );
    assert_eq!(kind(&e.prompt()), "change-notice:material");
    assert!(!e.granted("ads"));
}

#[test]
fn unknown_revisions_are_material_for_every_purpose() {
    let (m, record) = accepted_adult(10);
    let consented = record.policy.version.clone();
    assert_eq!(
        start(m.clone(), Some(record.clone()), NOW).consented_version(),
        None
    );
    let e = start(revised(m, "2027-01", None), Some(record), NOW);
    assert_eq!(kind(&e.prompt()), "change-notice:material");
    assert!(granted(&e).is_empty());
    // The viewer marks what changed since the version consented to.
    assert_eq!(e.consented_version(), Some(consented.as_str()));
}

#[test]
fn section_digests_tell_which_purposes_a_change_affects() {
    let m = manifest();
    let digests = |changed: &str| -> SortedMap<String, String> {
        ["s-2-3", "s-2-5", "s-2-8"]
            .iter()
            .map(|id| {
                (
                    id.to_string(),
                    if *id == changed {
                        "new".into()
                    } else {
                        "same".into()
                    },
                )
            })
            .collect()
    };
    let then = NOW - DAY;
    let policy = CurrentPolicy {
        sections: digests(""),
        comparison: None,
    };
    let mut e = start_with(
        m.clone(),
        None,
        policy,
        Signals::default(),
        Config::default(),
        then,
    );
    accept_all_as_adult(&mut e, then);
    assert_eq!(e.record().policy.sections.len(), 3);
    let record = e.record().clone();
    // Same digests under a new version: nothing beyond cosmetic changed.
    let same = CurrentPolicy {
        sections: digests(""),
        comparison: None,
    };
    let e = start_with(
        revised(m.clone(), "2026-12", None),
        Some(record.clone()),
        same,
        Signals::default(),
        Config::default(),
        NOW,
    );
    assert_eq!((kind(&e.prompt()).as_str(), granted(&e).len()), ("none", 7));
    // s-2-5 changed: unknown how much, so material for the purposes citing it (and those citing nothing).
    let changed = CurrentPolicy {
        sections: digests("s-2-5"),
        comparison: None,
    };
    let e = start_with(
        revised(m, "2026-12", None),
        Some(record),
        changed,
        Signals::default(),
        Config::default(),
        NOW,
    );
    assert_eq!(kind(&e.prompt()), "change-notice:material");
    assert!(!e.granted("ads"));
    assert!(e.granted("analytics") && e.granted("surveys"));
}

#[test]
fn a_changed_purpose_is_asked_again_and_a_new_one_is_asked() {
    let (mut m, record) = accepted_adult(10);
    m.purposes
        .iter_mut()
        .find(|p| p.id == "analytics")
        .unwrap()
        .recipients
        .push("Example Analytics Inc.".into());
    let e = start(m.clone(), Some(record.clone()), NOW);
    assert_eq!(kind(&e.prompt()), "change-notice:material");
    assert!(!e.granted("analytics") && e.granted("surveys"));
    let mut m2 = manifest();
    let mut extra = m2.purposes[1].clone();
    extra.id = "newsletter".into();
    m2.purposes.push(extra);
    let e = start(m2, Some(record), NOW);
    assert_eq!(kind(&e.prompt()), "banner:new-purposes");
    assert!(e.granted("surveys") && !e.granted("newsletter"));
}

#[test]
fn upcoming_change_is_announced_in_its_window() {
    let (m, record) = accepted_adult(1);
    // 2026-12-20 is between notice_from 2026-12-15 and effective 2027-01-15.
    let in_window = NOW + 21 * DAY;
    let mut e = start(m.clone(), Some(record.clone()), in_window);
    assert_eq!(
        e.prompt(),
        Prompt::UpcomingChange {
            version: "2027-01".into(),
            date: "2027-01-15".into()
        }
    );
    e.handle(Event::AcknowledgeUpcoming, act(in_window))
        .unwrap();
    assert_eq!(kind(&e.prompt()), "none");
    assert_eq!(
        kind(&start(m.clone(), Some(record.clone()), NOW).prompt()),
        "none",
        "before notice_from"
    );
    assert_eq!(
        kind(&start(m, Some(record), NOW + 60 * DAY).prompt()),
        "none",
        "after it took effect"
    );
}

#[test]
fn gpc_turns_sale_or_share_off_by_default() {
    let gpc = Signals { gpc: true };
    let mut e = start_with(
        manifest(),
        None,
        CurrentPolicy::default(),
        gpc,
        Config::default(),
        NOW,
    );
    accept_all_as_adult(&mut e, NOW);
    assert!(!e.granted("ads"), "accept all honours the signal");
    assert!(e.granted("analytics"));
    assert!(e.record().signals.gpc.is_some());
    e.handle(
        Event::Grant {
            purposes: ids(&["ads"]),
        },
        Act {
            now: NOW + 1,
            method: Method::Settings,
        },
    )
    .unwrap();
    assert!(
        e.granted("ads"),
        "an explicit opt-in while the signal is on stands"
    );
    let kept = start_with(
        manifest(),
        Some(e.record().clone()),
        CurrentPolicy::default(),
        gpc,
        Config::default(),
        NOW + DAY,
    );
    assert!(kept.granted("ads"));
    // A grant made before the signal was ever seen is opted out.
    let (m, record) = accepted_adult(2);
    let e = start_with(
        m,
        Some(record),
        CurrentPolicy::default(),
        gpc,
        Config::default(),
        NOW,
    );
    assert!(!e.granted("ads") && e.granted("analytics"));
    assert_eq!(e.record().purposes["ads"].method, Method::Gpc);
}

#[test]
fn decisions_expire_after_the_lifetime() {
    let (m, record) = accepted_adult(366);
    let e = start(m, Some(record), NOW);
    assert_eq!(kind(&e.prompt()), "banner:expired");
    assert!(granted(&e).is_empty());
    let (m, record) = accepted_adult(300);
    assert_eq!(granted(&start(m, Some(record), NOW)).len(), 7);
}

#[test]
fn consent_mode_is_denied_until_granted() {
    let mut e = start(manifest(), None, NOW);
    let mode = e.consent_mode();
    assert_eq!(mode["analytics_storage"], "denied");
    assert_eq!(
        mode["security_storage"], "granted",
        "required purposes are on"
    );
    e.handle(
        Event::DeclareAge {
            birth_year: 1990,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    e.handle(
        Event::Grant {
            purposes: ids(&["analytics"]),
        },
        act(NOW),
    )
    .unwrap();
    let mode = e.consent_mode();
    assert_eq!(
        (
            mode["analytics_storage"],
            mode["ad_storage"],
            mode["ad_personalization"]
        ),
        ("granted", "denied", "denied")
    );
}

#[test]
fn the_cookies_of_purposes_not_granted_are_the_ones_to_delete() {
    // The sample manifest: analytics lists `_ga`, `_ga_*`, `_gid`; ads lists `_gcl_*`.
    let present = [
        "_ga",
        "_ga_1X2Y",
        "_gax",
        "_gid",
        "_gcl_au",
        "session",
        "policy-consent%3Aseed",
    ];
    let to_delete = |e: &Engine| -> Vec<String> {
        e.cookies_to_delete(present)
            .into_iter()
            .map(String::from)
            .collect()
    };
    let mut e = start(manifest(), None, NOW);
    // Before any decision nothing optional is granted: set before consent, they go.
    assert_eq!(to_delete(&e), ids(&["_ga", "_ga_1X2Y", "_gid", "_gcl_au"]));
    accept_all_as_adult(&mut e, NOW);
    assert_eq!(to_delete(&e), Vec::<String>::new(), "all granted: none go");
    e.handle(
        Event::Withdraw {
            purposes: ids(&["analytics"]),
        },
        act(NOW + 1),
    )
    .unwrap();
    assert_eq!(to_delete(&e), ids(&["_ga", "_ga_1X2Y", "_gid"]));

    // A pattern that would match the record's own cookie never deletes it.
    let mut m = manifest();
    m.purposes[3].cookies = ids(&["p*", "s*"]);
    let e = start(m, None, NOW);
    assert!(
        to_delete(&e).contains(&"session".to_string())
            && !to_delete(&e)
                .iter()
                .any(|c| c.starts_with("policy-consent"))
    );
}

#[test]
fn cookie_patterns_are_checked() {
    let mut m = manifest();
    m.purposes[3].cookies = ids(&["_ga", "_ga_*", "*", "_ga*x", "a b", "x;y", &"c".repeat(129)]);
    let problems: Vec<String> = m.validate(None).iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "manifest: purposes[3].cookies[2]: `*` matches every cookie, those of necessary purposes too: name them",
            "manifest: purposes[3].cookies[3]: `_ga*x` is not a cookie name (letters, digits and !#$%&'+-.^_`|~, with `*` only at the end)",
            "manifest: purposes[3].cookies[4]: `a b` is not a cookie name (letters, digits and !#$%&'+-.^_`|~, with `*` only at the end)",
            "manifest: purposes[3].cookies[5]: `x;y` is not a cookie name (letters, digits and !#$%&'+-.^_`|~, with `*` only at the end)",
            &format!(
                "manifest: purposes[3].cookies[6]: `{}` is longer than 128 characters",
                "c".repeat(129)
            ),
        ]
    );
}

#[test]
fn an_unusable_record_means_ask_again() {
    let m = manifest();
    let stored = Some(Err(
        ConsentRecord::decode("{\"schema\": 9}", &m, NOW).unwrap_err()
    ));
    let e = Engine::start(Init {
        manifest: m,
        policy: CurrentPolicy::default(),
        stored,
        signals: Signals::default(),
        config: Config::default(),
        new_record_id: "fresh".into(),
        now: NOW,
    });
    assert_eq!(kind(&e.prompt()), "banner:invalid-record");
    assert!(e.warnings()[0].contains("schema 9"), "{:?}", e.warnings());
    assert_eq!(e.record().id, "fresh");
}

#[test]
fn receipts_say_who_decided_what_and_when() {
    let (m, record) = accepted_adult(0);
    let e = start(m, Some(record), NOW);
    let receipt = e.receipt(NOW);
    assert_eq!(receipt.policy.version, "2026-11");
    assert_eq!(receipt.age_status, "adult");
    let ads = receipt.purposes.iter().find(|p| p.id == "ads").unwrap();
    assert_eq!(
        (ads.state.as_str(), ads.title.as_str()),
        ("granted", "Personalised advertising")
    );
    assert_eq!(ads.at.as_deref(), Some("2026-11-29T12:00:00Z"));
    let necessary = receipt
        .purposes
        .iter()
        .find(|p| p.id == "necessary")
        .unwrap();
    assert!(necessary.required && necessary.state == "granted");
}

#[test]
fn the_event_log_is_bounded_and_folds_never_drops() {
    let mut e = start(manifest(), None, NOW);
    e.handle(
        Event::DeclareAge {
            birth_year: 1990,
            birth_month: 1,
        },
        act(NOW),
    )
    .unwrap();
    for i in 0..10_000 {
        let event = if i % 2 == 0 {
            Event::Grant {
                purposes: ids(&["analytics"]),
            }
        } else {
            Event::Withdraw {
                purposes: ids(&["analytics"]),
            }
        };
        e.handle(event, act(NOW + i)).unwrap();
    }
    let r = e.record();
    assert!(r.events.len() <= policy_consent::consent::record::MAX_EVENTS);
    let folded = r.folded.as_ref().unwrap();
    assert_eq!(folded.events as usize + r.events.len(), 10_001);
    assert_eq!(
        folded.kinds["grant"]
            + folded.kinds["withdraw"]
            + folded.kinds.get("age").copied().unwrap_or(0),
        folded.events
    );
    assert!(r.encode().len() < 16_000);
    assert!(!e.granted("analytics"));
}

// --- Decoding --------------------------------------------------------------------------

#[test]
fn decoding_is_strict() {
    let m = manifest();
    let (_, record) = accepted_adult(1);
    let json = record.encode();
    assert_eq!(ConsentRecord::decode(&json, &m, NOW).unwrap(), record);
    let bad = |text: &str| {
        ConsentRecord::decode(text, &m, NOW)
            .unwrap_err()
            .to_string()
    };
    assert!(bad("not json").contains("malformed"));
    assert!(bad("[]").contains("malformed"));
    assert!(bad(&json.replace("\"schema\":1", "\"schema\":2")).contains("schema 2"));
    assert!(bad(&json.replace("\"sample-privacy\"", "\"other\"")).contains("policy `other`"));
    assert!(bad(&json.replace("\"state\":\"granted\"", "\"state\":\"yes\"")).contains("malformed"));
    assert!(
        bad(&json.replace("\"by\":\"self\"", "\"by\":\"system\""))
            .contains("without an act of a person")
    );
    assert!(
        bad(&json.replace("\"by\":\"self\"", "\"by\":\"guardian\"")).contains("never confirmed")
    );
    assert!(
        bad(&json.replacen("\"id\":\"rec-1\"", "\"id\":\"rec-1\",\"extra\":true", 1))
            .contains("malformed")
    );
    let future = json.replace(
        &format!("\"created\":{}", record.created),
        &format!("\"created\":{}", NOW + 10 * DAY),
    );
    assert!(bad(&future).contains("inconsistent"));
    assert!(
        bad(&" ".repeat(policy_consent::consent::record::MAX_RECORD_BYTES + 1))
            .contains("too large")
    );
    assert!(
        bad(&json.replace("\"birth_month\":4", "\"birth_month\":0"))
            .contains("age is out of range")
    );
}

// --- Properties ------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Step {
    Event(Event, Method),
    /// The page reloads `hours` later, maybe under a revised policy (level, purposes) and a GPC signal.
    Reload {
        hours: i64,
        revision: Option<(Level, Vec<String>)>,
        gpc: bool,
    },
}

fn purpose_ids() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "personalization",
            "location",
            "analytics",
            "ads",
            "cross-service",
            "messages",
            "surveys",
            "necessary",
            "bogus",
        ]),
        0..4,
    )
    .prop_map(|v| v.into_iter().map(String::from).collect())
}

fn step() -> impl Strategy<Value = Step> {
    let method = prop::sample::select(vec![
        Method::Banner,
        Method::Settings,
        Method::Api,
        Method::Native,
    ]);
    let event = prop_oneof![
        (1995i32..2024, 1u32..13).prop_map(|(y, m)| Event::DeclareAge {
            birth_year: y,
            birth_month: m
        }),
        purpose_ids().prop_map(|p| Event::Grant { purposes: p }),
        purpose_ids().prop_map(|p| Event::Deny { purposes: p }),
        purpose_ids().prop_map(|p| Event::Withdraw { purposes: p }),
        purpose_ids().prop_map(|p| Event::Save { granted: p }),
        Just(Event::AcceptAll),
        Just(Event::RejectAll),
        (any::<bool>(), "[a-z]{0,5}").prop_map(|(attest, name)| Event::GuardianStart {
            name,
            relationship: "parent".into(),
            attest
        }),
        Just(Event::GuardianConfirm {
            method: "email-code".into(),
            token: Some("t".into())
        }),
        Just(Event::GuardianReset),
        Just(Event::AcknowledgeNotice),
        Just(Event::AcknowledgeUpcoming),
    ];
    let revision = prop::option::of((
        prop::sample::select(vec![Level::Cosmetic, Level::Minor, Level::Material]),
        purpose_ids(),
    ));
    prop_oneof![
        4 => (event, method).prop_map(|(e, m)| Step::Event(e, m)),
        1 => (0i64..24 * 800, revision, any::<bool>()).prop_map(|(hours, revision, gpc)| Step::Reload { hours, revision, gpc }),
    ]
}

/// What an affirmative act for `purpose` looks like in an event.
fn acts_for(event: &Event, purpose: &str) -> bool {
    match event {
        Event::Grant { purposes } => purposes.iter().any(|p| p == purpose),
        Event::Save { granted } => granted.iter().any(|p| p == purpose),
        Event::AcceptAll => true,
        // Granting waits for the age gate; the act was the earlier grant.
        Event::DeclareAge { .. } => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Over random acts, reloads, revisions and signals: an optional purpose is granted only
    /// after an affirmative act for it since its last material revision; a minor never has
    /// one without a confirmed guardian, and never a forbidden one; the record always
    /// survives storage unchanged.
    #[test]
    fn nothing_optional_is_granted_without_an_affirmative_act(steps in prop::collection::vec(step(), 1..40), verification in any::<bool>()) {
        let mut m = manifest();
        m.policy.upcoming = None;
        let config = Config { guardian_verification: verification, ..Config::default() };
        let mut now = NOW - 500 * DAY;
        let mut version = 0;
        let mut gpc = false;
        let mut e = start_with(m.clone(), None, CurrentPolicy::default(), Signals { gpc }, config.clone(), now);
        // Purposes with an affirmative act since their last material revision.
        let mut acted: std::collections::BTreeSet<String> = Default::default();
        for step in steps {
            match step {
                Step::Event(event, method) => {
                    now += 1000;
                    let before = e.record().clone();
                    let result = e.handle(event.clone(), Act { now, method });
                    if result.is_err() {
                        prop_assert_eq!(e.record(), &before, "an error changed the record");
                    }
                    for p in optional(&m) {
                        if acts_for(&event, &p) { acted.insert(p); }
                    }
                }
                Step::Reload { hours, revision, gpc: signal } => {
                    now += hours * 3_600_000;
                    gpc = signal;
                    let mut next = m.clone();
                    let mut policy = CurrentPolicy::default();
                    if let Some((level, purposes)) = revision {
                        version += 1;
                        next.policy.version = format!("v{version}");
                        let (y, mo, d) = civil_from_days(now.div_euclid(DAY));
                        next.policy.effective = format!("{y:04}-{mo:02}-{d:02}");
                        let affected: Vec<String> = purposes.into_iter().filter(|p| next.purpose(p).is_some_and(|x| !x.required)).collect();
                        if level == Level::Material {
                            let all = affected.is_empty();
                            for p in optional(&m) {
                                if all || affected.contains(&p) { acted.remove(&p); }
                            }
                        }
                        policy.comparison = Some(Assessment { level, sections: vec![], purposes: affected });
                    }
                    m = next;
                    let json = e.record().encode();
                    let decoded = ConsentRecord::decode(&json, &m, now);
                    prop_assert!(decoded.is_ok(), "a record the engine wrote does not decode: {:?}", decoded);
                    e = Engine::start(Init { manifest: m.clone(), policy, stored: Some(decoded), signals: Signals { gpc }, config: config.clone(), new_record_id: "r".into(), now });
                }
            }
            let record = e.record();
            let minor = record.age.as_ref().map(|a| {
                let (y, mo, _) = civil_from_days(now.div_euclid(DAY));
                y * 12 + i64::from(mo) - 1 < (i64::from(a.birth_year) + 18) * 12 + i64::from(a.birth_month)
            });
            let guardian = record.guardian.as_ref().is_some_and(|g| g.confirmed.is_some());
            for p in &m.purposes {
                if p.required || !e.granted(&p.id) { continue; }
                prop_assert!(acted.contains(&p.id), "{} granted without an affirmative act since its last material revision", p.id);
                let r = &record.purposes[&p.id];
                prop_assert_eq!(r.state, State::Granted);
                prop_assert!(r.by != Actor::System);
                prop_assert_eq!(&r.definition, &definition_digest(p));
                prop_assert!(minor.is_some(), "granted with the age unknown");
                if minor == Some(true) {
                    prop_assert!(guardian, "{} granted to a minor without a confirmed guardian", p.id);
                    prop_assert!(p.minors != MinorsRule::Forbidden, "forbidden {} granted to a minor", p.id);
                    prop_assert_eq!(r.by, Actor::Guardian);
                }
                if gpc && p.sale_or_share {
                    prop_assert!(record.signals.gpc.is_some_and(|seen| r.at >= seen), "sale/share granted before the GPC signal");
                }
            }
            let json = record.encode();
            prop_assert_eq!(&ConsentRecord::decode(&json, &m, now).unwrap(), record);
        }
    }

    #[test]
    fn decoding_random_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = ConsentRecord::decode(&text, &manifest(), NOW);
    }

    #[test]
    fn decoding_mutated_records_never_panics_nor_grants_from_nothing(cut in 0usize..2000, junk in "[\\[\\]{}\":,0-9a-z]{0,8}") {
        let (m, record) = accepted_adult(1);
        let mut json = record.encode();
        let at = cut.min(json.len());
        json.insert_str(at, &junk);
        if let Ok(decoded) = ConsentRecord::decode(&json, &m, NOW) {
            let e = start(m.clone(), Some(decoded), NOW);
            for p in &m.purposes {
                if !p.required && e.granted(&p.id) {
                    let r = &e.record().purposes[&p.id];
                    prop_assert!(r.by == Actor::Person && r.state == State::Granted);
                }
            }
        }
    }
}

// --- Size limits -----------------------------------------------------------------------

/// The sample manifest with `n` optional purposes like its `personalization`, ids 40
/// characters long.
fn manifest_with_purposes(n: usize) -> Manifest {
    let mut value: serde_json::Value = serde_json::from_str(&read("policy/consent.json")).unwrap();
    let template = value["purposes"][1].clone();
    let purposes: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut p = template.clone();
            p["id"] = format!("third-party-service-number-{i:013}").into();
            p
        })
        .collect();
    value["purposes"] = purposes.into();
    serde_json::from_value(value).unwrap()
}

#[test]
fn a_thousand_purposes_fit_in_a_record_and_more_are_refused_clearly() {
    use policy_consent::consent::record::MAX_RECORD_BYTES;
    use policy_consent::policy::manifest::MAX_PURPOSES;
    let m = manifest_with_purposes(MAX_PURPOSES);
    assert_eq!(m.validate(None), []);
    let mut e = start(m.clone(), None, NOW);
    accept_all_as_adult(&mut e, NOW);
    let half: Vec<String> = m.purposes.iter().step_by(2).map(|p| p.id.clone()).collect();
    e.handle(Event::Withdraw { purposes: half }, act(NOW + 1))
        .unwrap();
    let json = e.record().encode();
    assert!(
        json.len() < MAX_RECORD_BYTES / 2,
        "{} bytes for {MAX_PURPOSES} purposes",
        json.len()
    );
    let back = ConsentRecord::decode(&json, &m, NOW + 2).unwrap();
    assert_eq!(&back, e.record());
    assert_eq!(granted(&e).len(), MAX_PURPOSES / 2);

    let problems = manifest_with_purposes(10_000).validate(None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].to_string(),
        "manifest: purposes: 10000 purposes: at most 1000 (group related uses into one purpose)"
    );
}

/// Found by `nothing_optional_is_granted_without_an_affirmative_act`: a second guardian
/// verification left the first guardian's grants in place with no confirmed guardian, a
/// record that no longer validated (so the next load lost every decision).
#[test]
fn a_restarted_guardian_verification_suspends_the_former_grants_and_the_record_stays_valid() {
    let config = Config {
        guardian_verification: true,
        ..Config::default()
    };
    let m = manifest();
    let mut e = start_with(
        m.clone(),
        None,
        CurrentPolicy::default(),
        Signals::default(),
        config,
        NOW,
    );
    e.handle(
        Event::DeclareAge {
            birth_year: 2011,
            birth_month: 6,
        },
        act(NOW),
    )
    .unwrap();
    let guardian = || Event::GuardianStart {
        name: "A. Parent".into(),
        relationship: "parent".into(),
        attest: true,
    };
    e.handle(guardian(), act(NOW)).unwrap();
    e.handle(
        Event::GuardianConfirm {
            method: "email-code".into(),
            token: Some("t".into()),
        },
        act(NOW),
    )
    .unwrap();
    e.handle(
        Event::Save {
            granted: ids(&["personalization"]),
        },
        act(NOW),
    )
    .unwrap();
    assert_eq!(granted(&e), ["personalization"]);

    e.handle(guardian(), act(NOW + 1)).unwrap();
    assert!(granted(&e).is_empty());
    let r = &e.record().purposes["personalization"];
    assert_eq!(r.state, State::Suspended);
    assert_eq!(r.reason.as_deref(), Some("guardian verification restarted"));
    let decoded = ConsentRecord::decode(&e.record().encode(), &m, NOW + 2);
    assert_eq!(decoded.as_ref(), Ok(e.record()));
}

/// Two copies of a decision (two stores, two tabs): the later one prevails; in the same
/// millisecond the larger encoding, so whichever side compares, the answer is the same.
#[test]
fn the_later_copy_of_a_decision_prevails_and_a_tie_is_broken_the_same_both_ways() {
    let m = manifest();
    let earlier = ConsentRecord::new("a", &m, "en", 1_000);
    let mut later = ConsentRecord::new("a", &m, "en", 1_000);
    later.log(2_000, "grant", "analytics");
    let (e, l) = ("{\"z\":1}", "{\"a\":1}");
    assert!(
        later.prevails_over(l, &earlier, e),
        "later, though its encoding is smaller"
    );
    assert!(!earlier.prevails_over(e, &later, l));

    let twin = ConsentRecord::new("a", &m, "en", 1_000);
    let (small, large) = ("{\"a\":1}", "{\"a\":2}");
    assert!(twin.prevails_over(large, &earlier, small));
    assert!(!earlier.prevails_over(small, &twin, large));
    assert!(
        !twin.prevails_over(small, &earlier, small),
        "a copy does not prevail over itself"
    );
}
