<div class="document">
  <div class="document__actions">
    <a class="button button--secondary" href="{{viewUrl}}" target="_blank" rel="noopener">Открыть PDF<span class="visually-hidden"> (в новой вкладке)</span></a>
    <a class="button button--secondary" href="{{downloadUrl}}" download="{{fileName}}">Скачать PDF</a>
  </div>
  {{!-- Phones rarely show a PDF inside a page: the frame is for wide screens, and lazy, so phones never fetch it. --}}
  <iframe class="document__frame" src="{{viewUrl}}#navpanes=0&amp;view=FitH" title="{{frameTitle}}" loading="lazy"></iframe>
</div>
