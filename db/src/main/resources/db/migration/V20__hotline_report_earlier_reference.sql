-- A caller who calls again about a situation already reported can give the reference they were given: the online
-- form's R- code, a public agent's S- receipt or the registry's case number. The submitted report then joins that
-- case instead of opening a new one. It is a code, never a name: only letters, digits and dashes, as typed.
alter table hotline_report add column earlier_reference text check (earlier_reference ~ '^[A-Z0-9-]{1,24}$');
