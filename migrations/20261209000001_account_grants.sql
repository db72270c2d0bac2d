-- Per-account roles: a user or an API token keeps its role (`app_user.role`, `api_token.role`)
-- as the role on every account, and a grant here sets another role on one account (viewer
-- everywhere, operator on payments-prod). Admin is estate-wide, so a grant is viewer or operator.
--
-- One column per kind of principal rather than a kind + id pair, so each is a real foreign key;
-- exactly one of them is set.
CREATE TABLE account_grant (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES app_user(id) ON DELETE CASCADE,
    token_id    INTEGER REFERENCES api_token(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account(id),
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
    CHECK ((user_id IS NULL) <> (token_id IS NULL))
);

CREATE UNIQUE INDEX account_grant_of_user ON account_grant (user_id, account_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX account_grant_of_token ON account_grant (token_id, account_id)
    WHERE token_id IS NOT NULL;
