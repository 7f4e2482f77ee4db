using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Social.WebFront.Tests;

[Collection(SharedApiDefinition.Name)]
public sealed class UserSearchApiTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Search_finds_display_names_and_pages_with_next_cursor_never_showing_blocked_users()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var client = factory.CreateClient();
        var me = await TestUsers.SignUpAsync(client);
        client.As(me);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var other = factory.CreateClient();
            var response = await other.PostAsJsonAsync("/api/auth/register", new { username = $"s{tag}{i}", password = "correct horse battery", displayName = $"Searchable {tag}" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("userId").GetString()!);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/friends/block/{ids[2]}", null)).StatusCode);

        var byName = await (await client.GetAsync($"/api/users/search?q=searchable%20{tag}&limit=50")).JsonAsync();
        Assert.Equal(4, byName.GetProperty("items").GetArrayLength());

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/users/search?q=s{tag}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await (await client.GetAsync(url)).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("username").GetString()!));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal([$"s{tag}0", $"s{tag}1", $"s{tag}3", $"s{tag}4"], seen);
    }

    [Fact]
    public async Task A_cursor_the_server_did_not_make_is_refused()
    {
        var client = factory.CreateClient();
        client.As(await TestUsers.SignUpAsync(client));

        await (await client.GetAsync("/api/users/search?q=a&cursor=%%%")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
