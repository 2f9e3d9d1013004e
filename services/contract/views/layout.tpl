<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <meta name="robots" content="noindex, nofollow">
  <meta name="color-scheme" content="light">
  {{#if refreshSeconds}}<meta http-equiv="refresh" content="{{refreshSeconds}}">{{/if}}
  <title>{{title}} — OTUS</title>
  <link rel="stylesheet" href="{{css}}">
  {{#if scriptUrl}}<script src="{{scriptUrl}}" defer></script>{{/if}}
</head>
<body>
  <a class="skip-link" href="#main">Перейти к содержимому</a>
  <header class="site-header">
    <p class="brand"><span class="brand__logo" aria-hidden="true">OTUS</span> <span class="brand__name">Договор на обучение</span></p>
  </header>
  <main id="main" class="page" tabindex="-1">
{{{body}}}
  </main>
  <footer class="site-footer">
    {{#if publicPage}}<p>Онлайн-школа OTUS. Проверка договоров, подписанных через OTUS Contract.</p>{{else}}<p>Онлайн-школа OTUS. Страница открыта по личной ссылке из письма — не пересылайте её.</p>{{/if}}
  </footer>
</body>
</html>
