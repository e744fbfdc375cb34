-- Issue 18, quiet mode: the yes/no script a caller who cannot speak freely answers asks first whether someone is
-- in immediate danger now. The registering form had no place for that answer (the IVR's is a call event, asked
-- before the caller reached anyone); it is a typed, statistical yes/no like the consent answers, null = not asked.
alter table hotline_report add column danger_now boolean;
