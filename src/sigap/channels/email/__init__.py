"""E-mail: one parser for the three ways in (IMAP, the `sigap mail-in` pipe, the
`/hooks/email` hook), loop and bounce detection, threading onto tickets, and the
outbound transport. Not a Django app of its own: it stores `channels.Message` rows."""
