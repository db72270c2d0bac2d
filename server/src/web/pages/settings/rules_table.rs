//! The settings page's table of policy rules, in order (the default last).

use app::model::{NewRuleForm, RuleRow, RulesModel};

use crate::domain::Rules;

/// The rules table of the settings page.
pub fn rules_model(rules: &Rules) -> RulesModel {
    let last = rules.len();
    let rows = rules
        .list()
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let allowed: Vec<_> = rule
                .policy
                .requirement
                .allowed_keys()
                .iter()
                .map(|k| k.as_str())
                .collect();
            let requirement = if allowed.is_empty() {
                rule.policy.requirement.as_str().to_owned()
            } else {
                format!(
                    "{} ({})",
                    rule.policy.requirement.as_str(),
                    allowed.join(", ")
                )
            };
            RuleRow {
                number: index + 1,
                scope: if index + 1 == last {
                    "every other bucket (default)".to_owned()
                } else {
                    rule.scope.to_string()
                },
                requirement,
                target: rule.policy.remediation_target.to_string(),
                is_default: index + 1 == last,
            }
        })
        .collect();
    RulesModel {
        rows,
        new_rule: NewRuleForm {
            requirement: "kms".to_owned(),
            target_algorithm: "KMS".to_owned(),
            ..NewRuleForm::default()
        },
    }
}
