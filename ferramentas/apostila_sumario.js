// Escreve no sumário da apostila a página de cada título (ferramentas/apostila.py a chama entre as
// duas impressões). Recebe {id do título: número da página}.
(paginas) => {
  for (const li of document.querySelectorAll("#apostila-sumario li[data-alvo]"))
    li.querySelector(":scope > a .pagina").textContent = paginas[li.dataset.alvo];
}
