-- ListLivestreams(state): the console's live page lists the sessions on air, newest start first.
CREATE INDEX "livestreams_state_started_at_livestream_id_idx" ON "livestreams"("state", "started_at", "livestream_id");
