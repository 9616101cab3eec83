"""The Agora side: REST client, connection, rate limit, error catalogue, file names, tokens."""
