-- Sending ids: each campaign gets a small number of its own within its tenant
-- (`sid7` in the /send language), counted by the tenant's row.
ALTER TABLE tenants ADD COLUMN sendings integer NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN sending_id integer;
UPDATE campaigns c
SET sending_id = numbered.no
FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS no
      FROM campaigns) AS numbered
WHERE numbered.id = c.id;
UPDATE tenants t
SET sendings = coalesce((SELECT max(sending_id) FROM campaigns c WHERE c.tenant_id = t.id), 0);
ALTER TABLE campaigns ALTER COLUMN sending_id SET NOT NULL;
CREATE UNIQUE INDEX campaigns_tenant_sending ON campaigns (tenant_id, sending_id);

-- Template steps keep an id of their own (the /send language names them), so
-- deleting one does not renumber the rest: [{step_id, delay_seconds, content}].
ALTER TABLE templates ADD COLUMN next_step_id integer NOT NULL DEFAULT 1;
UPDATE templates
SET steps = coalesce(
        (SELECT jsonb_agg((s - 'step_no') || jsonb_build_object('step_id', ord) ORDER BY ord)
         FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(s, ord)),
        '[]'::jsonb),
    next_step_id = jsonb_array_length(steps) + 1;

-- The dialog of the person a key belongs to: where `audience.kind = "test"` sends.
ALTER TABLE api_keys ADD COLUMN connection_id text;
ALTER TABLE api_keys ADD COLUMN external_id text;
