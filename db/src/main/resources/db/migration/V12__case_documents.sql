-- Files attached to a case: police reports, identity and travel documents, medical reports. The content is
-- encrypted like every personal field and bound to its row; the uploader's file name is not kept (names of files
-- name people). Every download has an audit row.
create table case_document (
  id           uuid primary key,
  case_id      uuid not null references registry_case,
  kind         text not null check (kind in ('POLICE_OR_OFFICIAL_REPORT', 'IDENTITY_DOCUMENT', 'TRAVEL_DOCUMENT',
                                             'MEDICAL_REPORT', 'EMPLOYMENT_CONTRACT_OR_OFFER', 'PERSONAL_WRITING',
                                             'OTHER')),
  media_type   text not null check (media_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes   integer not null check (size_bytes > 0),
  content_enc  bytea not null,
  uploaded_by  bigint not null references app_user,
  uploaded_at  timestamptz not null
);
create index case_document_by_case on case_document (case_id, uploaded_at);
