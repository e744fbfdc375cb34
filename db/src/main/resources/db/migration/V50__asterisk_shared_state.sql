-- Issue 19, two nodes: what a FastAGI session on any node records that the leading node's AMI handling needs, and
-- what a new leader must find after a takeover. Everything else the adapter keeps per call (who rings, who talks,
-- the operator's leg, the conference) is re-derived by the leader from Asterisk's events, its channel list and
-- the call records (ops: telephony-adapter asterisk/package-info.java, "Two nodes").

-- Callers whose IVR ran on a node that did not hold the AMI link. The leader finds the channel of a call it must
-- ring here, reports a hang-up of a caller it never saw, and a resync keeps the record of a caller who arrived
-- after its channel list was asked for (arrival numbers after the list's are newer than it).
create sequence asterisk_arrival_seq;
create table asterisk_channel (
  unique_id  text primary key check (length(unique_id) between 1 and 128),
  channel    text not null check (length(channel) between 1 and 200),
  arrival    bigint not null default nextval('asterisk_arrival_seq'),
  node       text not null,
  arrived_at timestamptz not null default now()
);

-- The AMI link as the leading node last knew it: whether a node holds it and has resynced, so that any node can
-- tell an operator whether a callback can be dialled now.
create table asterisk_link (
  id         integer primary key check (id = 1),
  node       text not null,
  synced     boolean not null,
  changed_at timestamptz not null
);

-- Operators' phones Asterisk could not reach (a Dial without a channel), until it says it can: a new leader gives
-- each the benefit of the doubt again and tells routing, as after a reconnection. Staff usernames only.
create table asterisk_unreachable_phone (
  username text primary key,
  since    timestamptz not null
);
