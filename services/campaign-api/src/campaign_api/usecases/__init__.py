"""What a caller can do, one function per thing done, each taking the caller
(`Principal`) and checking what their key may do: the HTTP routes, `/v1/commands`
and any other front end call these, never the HTTP API itself.  They raise
`Refusal`, which each front end turns into its own answer."""
