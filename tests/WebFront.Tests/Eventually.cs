namespace Social.WebFront.Tests;

/// <summary>Waiting on a condition (the shape of Orleans' TestingUtils.WaitUntilAsync), never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
