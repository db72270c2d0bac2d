//! The rules' matching and precedence.

use super::*;
use crate::domain::{EncryptionRule, KmsKeyId, Requirement};

fn policy(requirement: Requirement) -> Policy {
    let target = match requirement {
        Requirement::Any => EncryptionRule::Aes256,
        Requirement::Sm4 => EncryptionRule::Sm4,
        Requirement::Kms => EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        },
        Requirement::KmsCmk { .. } => EncryptionRule::Kms {
            key_id: Some(KmsKeyId::parse("alias/prod").unwrap()),
            data_encryption: None,
        },
    };
    Policy::new(requirement, target).unwrap()
}

#[test]
fn patterns_match_the_way_a_shell_glob_would() {
    let cases = [
        ("*-logs", "web-logs", true),
        ("*-logs", "web-logs-2", false),
        ("cdn-*", "cdn-", true),
        ("cdn-*", "xcdn-a", false),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "acb", false),
        ("exact", "exact", true),
        ("exact", "exacts", false),
        ("*", "anything", true),
        ("ab*ab", "ab", false),
    ];
    for (pattern, name, want) in cases {
        assert_eq!(
            NamePattern::parse(pattern).unwrap().matches(name),
            want,
            "{pattern} ~ {name}"
        );
    }
}

#[test]
fn the_first_matching_rule_decides_and_an_unread_tag_leaves_the_bucket_undetermined() {
    let confidential = Tag::parse("data-class=confidential").unwrap();
    let rules = Rules::new(
        vec![
            Rule {
                scope: Scope {
                    tag: Some(confidential.clone()),
                    ..Scope::default()
                },
                policy: policy(Requirement::KmsCmk { allowed: vec![] }),
            },
            Rule {
                scope: Scope {
                    region: Some(Region::parse("cn-shanghai").unwrap()),
                    bucket: Some(NamePattern::parse("*-logs").unwrap()),
                    ..Scope::default()
                },
                policy: policy(Requirement::Sm4),
            },
        ],
        policy(Requirement::Any),
    )
    .unwrap();
    let account = AccountName::parse("default").unwrap();
    let shanghai = Region::parse("cn-shanghai").unwrap();
    let hangzhou = Region::parse("cn-hangzhou").unwrap();
    let logs = BucketName::parse("web-logs").unwrap();
    let read = [confidential.clone()];
    let facts = |region, name, tags| BucketFacts {
        account: &account,
        region,
        name,
        resource_group: None,
        tags,
        tags_read: &read,
    };
    let tagged = [confidential];
    assert_eq!(
        rules.decide(&facts(&shanghai, &logs, &tagged)),
        Decision::Rule(0)
    );
    assert_eq!(
        rules.decide(&facts(&shanghai, &logs, &[])),
        Decision::Rule(1)
    );
    assert_eq!(
        rules.decide(&facts(&hangzhou, &logs, &[])),
        Decision::Rule(2)
    );
    let unread = BucketFacts {
        tags_read: &[],
        ..facts(&shanghai, &logs, &[])
    };
    let verdict = rules.judge(&unread, &EncryptionState::Unencrypted);
    assert_eq!(verdict.decision, Decision::Undetermined(0));
    assert_eq!(verdict.compliant, None);
    assert_eq!(rules.tags().len(), 1);
}

#[test]
fn only_the_last_rule_may_go_without_a_scope() {
    let unscoped = Rule {
        scope: Scope::default(),
        policy: policy(Requirement::Any),
    };
    assert_eq!(
        Rules::new(vec![unscoped.clone()], policy(Requirement::Any)),
        Err(RuleError::NoScope(1))
    );
    let scoped = Rule {
        scope: Scope {
            bucket: Some(NamePattern::parse("x*").unwrap()),
            ..Scope::default()
        },
        policy: policy(Requirement::Kms),
    };
    assert_eq!(
        Rules::from_list(vec![scoped.clone()]),
        Err(RuleError::ScopedDefault)
    );
    let rules = Rules::from_list(vec![scoped, unscoped]).unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(Rules::from_list(rules.list()).unwrap(), rules);
}
