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
      <li>Если письма нет или ссылка снова не открывается, запросите новую ссылку или свяжитесь со школой OTUS.</li>
    </ul>
    <div data-renewal hidden>
      <h2>Нужна новая ссылка?</h2>
      <p>Если заявка ещё действует, мы пришлём новую ссылку на адрес, указанный в заявке, или передадим вашу просьбу школе.</p>
      <p><button class="button" type="button" data-renew>Запросить новую ссылку</button></p>
    </div>
  </section>
  <section class="card" data-link-state="renewal-sent" data-title="Новая ссылка отправлена" tabindex="-1" hidden>
    <h1>Новая ссылка отправлена</h1>
    <p>Мы отправили новую ссылку на адрес <strong data-sent-to></strong>. Откройте её из письма — прежние ссылки больше не действуют.</p>
    <p>Письмо обычно приходит за пару минут. Если его нет, проверьте папку «Спам».</p>
  </section>
  <section class="card" data-link-state="renewal-passed" data-title="Просьба передана школе" tabindex="-1" hidden>
    <h1>Мы передали вашу просьбу школе</h1>
    <p>Новую ссылку пришлёт школа OTUS: с вами свяжутся по адресу <strong data-sent-to></strong>.</p>
  </section>
  <section class="card" data-link-state="renewal-replaced" data-title="Есть более новая ссылка" tabindex="-1" hidden>
    <h1>У вас есть более новая ссылка</h1>
    <p>Эту ссылку заменила новая, и её уже открывали: мы отправили её на адрес <strong data-sent-to></strong>. Откройте последнее письмо от школы OTUS — ссылка в нём действует.</p>
    <p>Если письма нет, проверьте папку «Спам» или свяжитесь со школой.</p>
  </section>
  <section class="card" data-link-state="renewal-limit" data-title="Новая ссылка уже запрошена" tabindex="-1" hidden>
    <h1>Новая ссылка уже запрошена</h1>
    <p>Вы уже запрашивали новую ссылку столько раз, сколько возможно. Школа OTUS свяжется с вами — или напишите в школу сами.</p>
  </section>
  <section class="card" data-link-state="renewal-ended" data-title="Заявка завершена" tabindex="-1" hidden>
    <h1>Заявка уже завершена</h1>
    <p>По этой заявке новую ссылку прислать нельзя: срок её оформления истёк или она отменена. Если вы хотите учиться на курсе, свяжитесь со школой OTUS — для вас оформят новую заявку.</p>
  </section>
  <section class="card" data-link-state="renewal-signed" data-title="Договор уже подписан" tabindex="-1" hidden>
    <h1>Договор уже подписан</h1>
    <p>Новая ссылка не нужна: договор подписан, его копия отправлена вам на почту. Если письма нет, свяжитесь со школой OTUS.</p>
  </section>
  <section class="card" data-link-state="renewal-later" data-title="Заявка обрабатывается" tabindex="-1" hidden>
    <h1>Заявка сейчас обрабатывается</h1>
    <p>Подождите минуту и <a href="">обновите страницу</a>, затем запросите ссылку ещё раз.</p>
  </section>
  <section class="card" data-link-state="renewal-unknown" data-title="Ссылка не распознана" tabindex="-1" hidden>
    <h1>Ссылку не удалось распознать</h1>
    <p>Похоже, ссылка скопирована не целиком. Откройте её из письма школы OTUS — нажмите на неё, а не копируйте. Если не получается, свяжитесь со школой.</p>
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
