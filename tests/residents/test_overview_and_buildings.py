def test_the_building_page_shows_households_floor_by_floor(client, world):
    client.force_login(world.alice)
    html = client.get(world.buildings[0].get_absolute_url()).content.decode()
    assert f'href="{world.households[0].get_absolute_url()}"' in html
    assert world.residents[0].name in html
    assert world.residents[2].name not in html  # the other building's
    assert html.index(">6</th>") < html.index(">3</th>") < html.index(">1</th>")
