-- the country (ISO3) of each side of an event, as the event component found it (entity country, else the country
-- its phrase names), so that events can be filtered by country without the actor being a resolved entity
ALTER TABLE events ADD COLUMN actor_country TEXT;
ALTER TABLE events ADD COLUMN target_country TEXT;
CREATE INDEX IF NOT EXISTS events_actor_country ON events(actor_country);
CREATE INDEX IF NOT EXISTS events_target_country ON events(target_country);
