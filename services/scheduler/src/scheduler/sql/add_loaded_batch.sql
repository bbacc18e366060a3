UPDATE campaigns
SET batches_received = batches_received + 1,
    recipients_loaded = recipients_loaded + $2
WHERE id = $1
