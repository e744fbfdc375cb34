-- How often each field of a case was changed, by field name: a save typed over a version its writer never saw
-- (another tab, another data manager) is refused with the value stored now instead of silently replacing it.
ALTER TABLE registry_case ADD COLUMN field_versions jsonb NOT NULL DEFAULT '{}'::jsonb;
