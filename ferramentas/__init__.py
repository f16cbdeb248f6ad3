"""Ferramentas de manutenção do curso (rode da raiz do repositório: ``python -m ferramentas.X``).

``ferramentas.repositorio`` sabe onde está cada coisa (raiz, ``_config.yml``,
lições do ``_toc.yml``, endereços do GitHub, do Colab e do site publicado); os
demais módulos o usam em vez de repetir caminhos e leitores de configuração.
"""
