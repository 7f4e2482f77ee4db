namespace Social.Client;

/// <summary>Where a <see cref="SocialConnection"/> stands.</summary>
public enum ConnectionState
{
    /// <summary>Not started, or stopped.</summary>
    Disconnected,

    /// <summary>Connecting for the first time.</summary>
    Connecting,

    /// <summary>Connected: events arrive live.</summary>
    Connected,

    /// <summary>Lost the connection; retrying with backoff.</summary>
    Reconnecting,

    /// <summary>The token was refused and the refresh hook gave no new one: sign in again, then start again.</summary>
    Unauthorized,

    /// <summary>
    /// The server refused the connection (<c>too_many_connections</c>): the user already holds as
    /// many as a front allows. No more retries; close another connection, then start a new one.
    /// </summary>
    TooManyConnections,
}
