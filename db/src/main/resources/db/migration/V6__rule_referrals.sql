-- A rule (a victim under 18 → child protection) refers a report to an agency once: typing the age again, or
-- another field the rule reads, must not send the agency a second referral.
create unique index escalation_rule_once on escalation (report_id, agency) where source = 'RULE';
