package conversation

// SetRetentionBatch makes ExpireClosed delete n conversations per
// transaction until the returned function puts it back.
func SetRetentionBatch(n int) func() {
	was := retentionBatch
	retentionBatch = n
	return func() { retentionBatch = was }
}
