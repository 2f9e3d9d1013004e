<div class="link-states">
  <noscript>
    <section class="card card--info">
      <h1>Включите JavaScript, чтобы открыть договор</h1>
      <p>Для входа по ссылке нужен JavaScript: браузер обменивает ссылку на защищённый сеанс, и только после этого открывается страница договора.</p>
      <p>Включите JavaScript в настройках браузера и откройте ссылку снова — или откройте её в другом браузере (например, Chrome, Safari или Firefox на телефоне). Если не получается, свяжитесь со школой OTUS.</p>
    </section>
  </noscript>
  <section class="card" data-link-state="opening" role="status" hidden>
    <h1>Открываем ваш договор…</h1>
    <p>Проверяем ссылку. Это займёт пару секунд.</p>
  </section>
  <section class="card" data-link-state="confirm" data-title="Чей это договор" tabindex="-1" hidden>
    <h1>Проверьте, что это ваш договор</h1>
    <p>Ссылка ведёт к заявке на обучение, которую школа OTUS оформила на имя <strong data-holder-name></strong>. Код для подписания придёт на адрес <strong data-holder-email></strong>.</p>
    <p class="notice notice--warning" data-replaces hidden>В этом браузере уже открыт договор по другой ссылке. Если продолжить, он закроется здесь — его можно будет открыть снова по ссылке из его письма.</p>
    <p><button class="button" type="button" data-open>Да, это мой договор — открыть</button></p>
    <p>Если это не вы, закройте страницу и сообщите школе OTUS: договор может подписать только тот, на чьё имя оформлена заявка.</p>
  </section>
  <section class="card" data-link-state="invalid" data-title="Ссылка недействительна" tabindex="-1" hidden>
    <h1>Ссылка недействительна или устарела</h1>
    <p>Возможно, срок действия ссылки истёк, в ней не хватает символов (так бывает при копировании) или школа уже прислала вам новую ссылку.</p>
    <h2>Что делать</h2>
    <ul>
      <li>Откройте ссылку из <strong>последнего</strong> письма школы OTUS — нажмите на неё, а не копируйте.</li>
      <li>Если письма нет или ссылка снова не открывается, свяжитесь со школой OTUS: вам пришлют новую ссылку.</li>
    </ul>
  </section>
  <section class="card" data-link-state="busy" data-title="Слишком много попыток" tabindex="-1" hidden>
    <h1>Слишком много попыток</h1>
    <p>Подождите минуту и <a href="">обновите страницу</a>.</p>
  </section>
  <section class="card" data-link-state="failed" data-title="Не удалось открыть договор" tabindex="-1" hidden>
    <h1>Не удалось открыть договор</h1>
    <p>Похоже, пропало соединение или сервис временно недоступен. Ваши данные не потеряны.</p>
    <p><a class="button" href="">Попробовать ещё раз</a></p>
  </section>
</div>
