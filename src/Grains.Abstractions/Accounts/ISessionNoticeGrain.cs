namespace Social.Grains.Accounts;

/// <summary>
/// Tells every front that a user's older sessions ended, through the user's stream (a grain
/// publishes, so fronts that are plain cluster clients need no stream producer). Keyed by user id.
/// </summary>
[Alias("Social.ISessionNoticeGrain")]
public interface ISessionNoticeGrain : IGrainWithStringKey
{
    [Alias("SessionsEnded")]
    Task SessionsEnded(int sessionVersion);
}
