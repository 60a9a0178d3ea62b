-- A customer message in a bot-owned conversation is persisted into `messages` by the chat turn that answers it
-- (one user message per turn, with the turn's safety flags); until then its text waits here. It is cleared as
-- soon as the message is handled, so no second copy of customer text outlives the turn.
ALTER TABLE chatwoot_messages ADD COLUMN pending_content text;
