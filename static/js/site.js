// Marks the page as having JavaScript, so the phone menu can fold away behind its button.
// Without JavaScript the menu simply stays open (see css/site.css).
document.documentElement.classList.add("js");
