-- The tables release 0.1.0 created (Base.metadata.create_all on postgresql), before the
-- schema had migrations. tests/server/test_migrations.py upgrades a database made from it.

CREATE TABLE accounts (
	id BIGSERIAL NOT NULL,
	name VARCHAR(200) NOT NULL,
	is_admin BOOLEAN NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (name)
);

CREATE TABLE api_tokens (
	id BIGSERIAL NOT NULL,
	account_id BIGINT NOT NULL,
	token_hash VARCHAR(64) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(account_id) REFERENCES accounts (id),
	UNIQUE (token_hash)
);

CREATE INDEX ix_api_tokens_account_id ON api_tokens (account_id);

CREATE TABLE shares (
	id VARCHAR(40) NOT NULL,
	token VARCHAR(64) NOT NULL,
	account_id BIGINT NOT NULL,
	state VARCHAR(16) NOT NULL,
	reason TEXT,
	recipient VARCHAR(300) NOT NULL,
	rep_name VARCHAR(300) NOT NULL,
	manifest_json TEXT NOT NULL,
	files_json TEXT NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (id),
	UNIQUE (token),
	FOREIGN KEY(account_id) REFERENCES accounts (id)
);

CREATE INDEX ix_shares_account_id ON shares (account_id);

CREATE TABLE uploads (
	id VARCHAR(40) NOT NULL,
	share_id VARCHAR(40) NOT NULL,
	name VARCHAR(300) NOT NULL,
	length BIGINT NOT NULL,
	"offset" BIGINT NOT NULL,
	complete BOOLEAN NOT NULL,
	sha256 VARCHAR(64),
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(share_id) REFERENCES shares (id)
);

CREATE INDEX ix_uploads_expires_at ON uploads (expires_at);

CREATE INDEX ix_uploads_share_id ON uploads (share_id);

CREATE TABLE view_events (
	id BIGSERIAL NOT NULL,
	share_id VARCHAR(40) NOT NULL,
	kind VARCHAR(16) NOT NULL,
	value VARCHAR(200),
	at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(share_id) REFERENCES shares (id)
);

CREATE INDEX ix_view_events_share_id ON view_events (share_id);
