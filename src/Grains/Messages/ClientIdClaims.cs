namespace Social.Grains.Messages;

/// <summary>
/// A client message id names one message per sender: a retry gets the first message back, never
/// a second one. This holds the ids of sends in flight, so that a concurrent duplicate waits for
/// the first; the recent window answers for stored messages, and the database's unique index for
/// those older than the window.
/// </summary>
internal sealed class ClientIdClaims
{
    private readonly Dictionary<(string Sender, string ClientId), Task<Message>> _inFlight = [];

    /// <summary>
    /// Claims the client id for a new send. While a send with the same id is in flight this waits
    /// for it: when it stores its message, the answer is that message (<see cref="Claim.Earlier"/>)
    /// and no claim; when it fails, this send goes through as new. Checking and claiming happen
    /// without an await in between, so two duplicates can never both claim.
    /// </summary>
    public async Task<Claim> ClaimAsync(string senderId, string? clientId)
    {
        if (clientId is null)
        {
            return new Claim(this, key: null, earlier: null);
        }

        var key = (senderId, clientId);
        while (_inFlight.TryGetValue(key, out var first))
        {
            try
            {
                return new Claim(this, key: null, earlier: await first);
            }
            catch (Exception) when (!_inFlight.TryGetValue(key, out var current) || current != first)
            {
                // The first attempt failed and was forgotten: look again.
            }
        }

        var claim = new Claim(this, key, earlier: null);
        _inFlight[key] = claim.Outcome;
        return claim;
    }

    /// <summary>One send's hold on its client id (none when it has no id), settled exactly once.</summary>
    internal sealed class Claim(ClientIdClaims owner, (string Sender, string ClientId)? key, Message? earlier)
    {
        private readonly TaskCompletionSource<Message> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private (string Sender, string ClientId)? Key { get; } = key;

        /// <summary>The message a duplicate send in flight stored; this send must answer with it and stop.</summary>
        public Message? Earlier { get; } = earlier;

        public Task<Message> Outcome => _outcome.Task;

        public bool IsSettled => _outcome.Task.IsCompleted;

        /// <summary>The send stored <paramref name="message"/> (or found it stored): duplicates waiting get it.</summary>
        public void Succeed(Message message)
        {
            _outcome.SetResult(message);
            if (Key is { } held)
            {
                owner._inFlight.Remove(held);
            }
        }

        /// <summary>The send was refused or failed: the id is free again, and duplicates waiting retry on their own.</summary>
        public void Fail(Exception reason)
        {
            if (Key is { } held && owner._inFlight.TryGetValue(held, out var claimed) && claimed == _outcome.Task)
            {
                owner._inFlight.Remove(held);
            }

            _outcome.TrySetException(reason);
            _ = _outcome.Task.Exception; // observed
        }
    }
}
